// The option registry against the IANA "CoAP Option Numbers" registry and the OSCORE
// classes of RFC 8613 section 4.1 (figure 5) and later documents.
#include <gtest/gtest.h>

#include "wire/option_registry.hpp"

namespace oidu {
namespace {

struct Expected {
  std::uint16_t number;
  const char* name;
  OptionFormat format;
  OscoreClass oscore_class;
};

// Numbers, names and formats copied from the IANA registry and the defining RFCs; classes
// from RFC 8613 figure 5, RFC 8768 3 (Hop-Limit: U), RFC 9668 3.1 (EDHOC: U),
// RFC 9175 (Echo, Request-Tag: E), RFC 9177 4 (Q-Block1/2: as Block1/2, E and U) and
// draft-ietf-core-oscore-id-update (Recipient-ID, Recipient-ID-Ack: E).
const Expected kExpected[] = {
    {1, "If-Match", OptionFormat::Opaque, OscoreClass::E},
    {3, "Uri-Host", OptionFormat::String, OscoreClass::U},
    {4, "ETag", OptionFormat::Opaque, OscoreClass::E},
    {5, "If-None-Match", OptionFormat::Empty, OscoreClass::E},
    {6, "Observe", OptionFormat::Uint, OscoreClass::EU},
    {7, "Uri-Port", OptionFormat::Uint, OscoreClass::U},
    {8, "Location-Path", OptionFormat::String, OscoreClass::E},
    {9, "OSCORE", OptionFormat::Opaque, OscoreClass::U},
    {11, "Uri-Path", OptionFormat::String, OscoreClass::E},
    {12, "Content-Format", OptionFormat::Uint, OscoreClass::E},
    {14, "Max-Age", OptionFormat::Uint, OscoreClass::EU},
    {15, "Uri-Query", OptionFormat::String, OscoreClass::E},
    {16, "Hop-Limit", OptionFormat::Uint, OscoreClass::U},
    {17, "Accept", OptionFormat::Uint, OscoreClass::E},
    {19, "Q-Block1", OptionFormat::Uint, OscoreClass::EU},
    {20, "Location-Query", OptionFormat::String, OscoreClass::E},
    {21, "EDHOC", OptionFormat::Empty, OscoreClass::U},
    {23, "Block2", OptionFormat::Uint, OscoreClass::EU},
    {24, "Recipient-ID", OptionFormat::Opaque, OscoreClass::E},
    {27, "Block1", OptionFormat::Uint, OscoreClass::EU},
    {28, "Size2", OptionFormat::Uint, OscoreClass::EU},
    {31, "Q-Block2", OptionFormat::Uint, OscoreClass::EU},
    {32, "Recipient-ID-Ack", OptionFormat::Opaque, OscoreClass::E},
    {35, "Proxy-Uri", OptionFormat::String, OscoreClass::U},
    {39, "Proxy-Scheme", OptionFormat::String, OscoreClass::U},
    {60, "Size1", OptionFormat::Uint, OscoreClass::EU},
    {252, "Echo", OptionFormat::Opaque, OscoreClass::E},
    {258, "No-Response", OptionFormat::Uint, OscoreClass::EU},
    {292, "Request-Tag", OptionFormat::Opaque, OscoreClass::E},
    {2049, "OCF-Accept-Content-Format-Version", OptionFormat::Uint, OscoreClass::E},
    {2053, "OCF-Content-Format-Version", OptionFormat::Uint, OscoreClass::E},
};

TEST(WireOptionRegistry, EveryRegisteredOption) {
  for (const auto& e : kExpected) {
    const OptionInfo* info = option_info(e.number);
    ASSERT_NE(info, nullptr) << e.number;
    EXPECT_EQ(info->number, e.number);
    EXPECT_STREQ(info->name, e.name);
    EXPECT_EQ(info->format, e.format) << e.name;
    EXPECT_EQ(info->oscore_class, e.oscore_class) << e.name;
    EXPECT_EQ(option_name(e.number), e.name);
  }
}

TEST(WireOptionRegistry, UnknownOptions) {
  for (std::uint16_t n : std::initializer_list<std::uint16_t>{0, 2, 10, 13, 25, 65000, 65535}) {
    EXPECT_EQ(option_info(n), nullptr) << n;
    EXPECT_EQ(option_name(n), "Unknown-" + std::to_string(n));
  }
  const Bytes v = {0xAB, 0x01};
  EXPECT_EQ(option_value_text(65000, view(v)), "ab01");
}

TEST(WireOptionRegistry, ValueTexts) {
  const Bytes port = {0x16, 0x33};  // 5683
  EXPECT_EQ(option_value_text(7, view(port)), "5683");
  EXPECT_EQ(option_value_text(12, ByteView{}), "0");  // an empty uint is 0 (RFC 7252 3.2)
  const Bytes host = {'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't'};
  EXPECT_EQ(option_value_text(3, view(host)), "localhost");
  const Bytes rid = {0x42};
  EXPECT_EQ(option_value_text(kOptRecipientId, view(rid)), "42");
  const Bytes echo = {0x00, 0xFF, 0x10};
  EXPECT_EQ(option_value_text(kOptEcho, view(echo)), "00ff10");
}

TEST(WireOptionRegistry, StringsAreEscaped) {
  const Bytes control = {'a', '\n', 'b', 0x1b, '\\'};
  EXPECT_EQ(option_value_text(kOptUriPath, view(control)), "a\\x0ab\\x1b\\\\");
  const Bytes utf8 = {'c', 0xc3, 0xa4, 'f', 0xe2, 0x82, 0xac};  // "cäf€"
  EXPECT_EQ(option_value_text(kOptUriPath, view(utf8)), "c\xc3\xa4" "f\xe2\x82\xac");
  const Bytes invalid = {0xc3, 'x', 0xff, 0xe0, 0x80, 0x80, 0xed, 0xa0, 0x80};  // cut, 0xff, overlong, surrogate
  EXPECT_EQ(option_value_text(kOptUriPath, view(invalid)), "\\xc3x\\xff\\xe0\\x80\\x80\\xed\\xa0\\x80");
}

}  // namespace
}  // namespace oidu
