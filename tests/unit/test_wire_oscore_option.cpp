// OSCORE option values (RFC 8613 6.1) with the KUDOS flag byte
// (draft-ietf-core-oscore-key-update-14 4.1): RFC 8613 Appendix C values, Californium's
// KUDOS option vectors and capture, and the libcoap captures as tshark dissects them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tshark_fields.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {
namespace {

nlohmann::json vectors() {
  std::ifstream in(std::string(OIDU_SOURCE_DIR) + "/tests/vectors/rfc8613-and-kudos-vectors.json");
  return nlohmann::json::parse(in);
}

Bytes hex(const std::string& text) {
  auto b = from_hex(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b.value_or(Bytes{});
}

// The result views into `value`, which must outlive it.
OscoreOption parse_ok(const Bytes& value) {
  std::string error;
  auto o = parse_oscore_option(view(value), &error);
  EXPECT_TRUE(o.has_value()) << to_hex(view(value)) << ": " << error;
  return o.value_or(OscoreOption{});
}

OscoreOption parse_ok(Bytes&& value) = delete;

std::string parse_error(const Bytes& value) {
  std::string error;
  EXPECT_FALSE(parse_oscore_option(view(value), &error).has_value()) << to_hex(view(value));
  return error;
}

TEST(WireOscoreOption, Rfc8613AppendixCValues) {
  const auto v = vectors().at("rfc8613");
  const Bytes c4 = hex(v.at("C.4").at("oscore_option")), c5 = hex(v.at("C.5").at("oscore_option")),
              c6 = hex(v.at("C.6").at("oscore_option")), c7 = hex(v.at("C.7").at("oscore_option")),
              c8 = hex(v.at("C.8").at("oscore_option"));
  // C.4: piv 14, kid empty (k set).
  auto o = parse_ok(c4);
  EXPECT_EQ(to_hex(o.partial_iv), v.at("C.4").at("partial_iv").get<std::string>());
  ASSERT_TRUE(o.kid);
  EXPECT_EQ(to_hex(*o.kid), v.at("C.4").at("kid").get<std::string>());
  EXPECT_FALSE(o.kid_context);
  EXPECT_FALSE(o.extension1);
  // C.5: kid 00.
  o = parse_ok(c5);
  EXPECT_EQ(to_hex(o.partial_iv), "14");
  ASSERT_TRUE(o.kid);
  EXPECT_EQ(to_hex(*o.kid), v.at("C.5").at("kid").get<std::string>());
  // C.6: kid context 37cbf3210017a2d3 (the ID Context of C.3), empty kid.
  o = parse_ok(c6);
  EXPECT_EQ(to_hex(o.partial_iv), "14");
  ASSERT_TRUE(o.kid_context);
  EXPECT_EQ(to_hex(*o.kid_context), "37cbf3210017a2d3");
  ASSERT_TRUE(o.kid);
  EXPECT_TRUE(o.kid->empty());
  // C.7: empty value, no fields at all.
  o = parse_ok(c7);
  EXPECT_TRUE(o.partial_iv.empty());
  EXPECT_FALSE(o.kid);
  EXPECT_FALSE(o.kid_context);
  // C.8: piv 00, no kid.
  o = parse_ok(c8);
  EXPECT_EQ(to_hex(o.partial_iv), v.at("C.8").at("partial_iv").get<std::string>());
  EXPECT_FALSE(o.kid);
}

TEST(WireOscoreOption, RoundTripOfRfc8613Values) {
  const auto v = vectors().at("rfc8613");
  for (const char* section : {"C.4", "C.5", "C.6", "C.7", "C.8"}) {
    const Bytes value = hex(v.at(section).at("oscore_option"));
    const OscoreOption o = parse_ok(value);
    OscoreOptionFields f;
    f.partial_iv.assign(o.partial_iv.begin(), o.partial_iv.end());
    if (o.kid_context) f.kid_context = Bytes(o.kid_context->begin(), o.kid_context->end());
    if (o.kid) f.kid = Bytes(o.kid->begin(), o.kid->end());
    EXPECT_EQ(to_hex(view(encode_oscore_option(f))), to_hex(view(value))) << section;
  }
}

const nlohmann::json& californium_vectors(const nlohmann::json& all) {
  for (const auto& [key, value] : all.at("kudos").items()) {
    if (key.rfind("kudos_oscore_option_vectors_from_californium", 0) == 0) return value;
  }
  throw std::runtime_error("Californium KUDOS option vectors missing");
}

// Californium's first vector has the same layout in its older draft and in draft -14.
TEST(WireOscoreOption, CaliforniumKudosVectorOne) {
  const auto all = vectors();
  const auto& t = californium_vectors(all).at("testKudosOscoreOptionEncoding");
  const Bytes value = hex(t.at("option"));
  const OscoreOption o = parse_ok(value);
  EXPECT_TRUE(o.extension1);
  EXPECT_EQ(o.flags2, 0x01);
  EXPECT_TRUE(o.kudos);
  EXPECT_EQ(to_hex(o.partial_iv), "15b3");  // piv_ssn 5555
  EXPECT_EQ(0x15b3, t.at("piv_ssn").get<int>());
  ASSERT_TRUE(o.kid_context);
  EXPECT_EQ(to_hex(*o.kid_context), t.at("id_context").get<std::string>());
  EXPECT_EQ(o.x, t.at("x").get<int>());
  EXPECT_EQ(o.m(), 7u);
  EXPECT_FALSE(o.z());
  EXPECT_EQ(to_hex(o.nonce), t.at("nonce").get<std::string>());
  ASSERT_TRUE(o.kid);
  EXPECT_EQ(to_hex(*o.kid), t.at("kid").get<std::string>());

  OscoreOptionFields f;
  f.partial_iv = {0x15, 0xb3};
  f.kid_context = hex(t.at("id_context"));
  f.kid = hex(t.at("kid"));
  f.kudos = true;
  f.x = 0x07;
  f.nonce = hex(t.at("nonce"));
  EXPECT_EQ(to_hex(view(encode_oscore_option(f))), to_hex(view(value)));
}

// The second vector follows the older layout (z = 1 meant "y and an old nonce follow").
// Draft -14 has no such fields: z = 1 marks a convergent message and the bytes after the
// nonce are the kid.
TEST(WireOscoreOption, CaliforniumKudosVectorTwoUnderDraft14) {
  const auto all = vectors();
  const auto& t = californium_vectors(all).at("testKudosOscoreOptionEncoding2");
  const Bytes value = hex(t.at("option"));
  const OscoreOption o = parse_ok(value);
  EXPECT_TRUE(o.kudos);
  EXPECT_EQ(o.x, 0x47);
  EXPECT_TRUE(o.z());
  EXPECT_EQ(o.m(), 7u);
  EXPECT_EQ(to_hex(o.nonce), t.at("nonce").get<std::string>());
  ASSERT_TRUE(o.kid);
  // y (07), old_nonce (aabbccddeeff1122) and kid (aa) of the old layout.
  EXPECT_EQ(to_hex(*o.kid), "07" + t.at("old_nonce").get<std::string>() + t.at("kid").get<std::string>());
}

// Frames 2 and 4 of the Californium KUDOS capture: request #1 (x 07, nonce N1, kid 02) and
// response #1 (x 07, nonce N2, no kid), N1 and N2 as captures/third-party/README.md lists
// them. The datagrams are the udp.payload fields that tshark 4.0.17 printed for those frames
// (this test is linked with the wire layer only, so it does not read the capture itself).
TEST(WireOscoreOption, CaliforniumKudosCapture) {
  const Bytes frame2 = hex("48024cb4c4cbb5944f0378b39d0089010007f2f177d9afd1bc1b02ff06f1cb8d052321bf2576"
                           "34658ab336db7304a1372910676aed5623");
  const Bytes frame4 = hex("68444cb4c4cbb5944f0378b39c81010007e41b7c92e622351eff762e7c980aea79be13");
  std::string error;
  auto request_message = parse_coap(view(frame2), &error);
  ASSERT_TRUE(request_message) << error;
  const CoapOption* opt = request_message->body.find(kOptOscore);
  ASSERT_NE(opt, nullptr);
  auto request = parse_oscore_option(opt->value, &error);
  ASSERT_TRUE(request) << error;
  EXPECT_TRUE(request->kudos);
  EXPECT_EQ(to_hex(request->partial_iv), "00");
  EXPECT_EQ(request->x, 0x07);
  EXPECT_FALSE(request->z());  // divergent
  EXPECT_EQ(to_hex(request->nonce), "f2f177d9afd1bc1b");
  ASSERT_TRUE(request->kid);
  EXPECT_EQ(to_hex(*request->kid), "02");
  EXPECT_TRUE(looks_like_oscore_coap(view(frame2)));

  auto response_message = parse_coap(view(frame4), &error);
  ASSERT_TRUE(response_message) << error;
  opt = response_message->body.find(kOptOscore);
  ASSERT_NE(opt, nullptr);
  auto response = parse_oscore_option(opt->value, &error);
  ASSERT_TRUE(response) << error;
  EXPECT_TRUE(response->kudos);
  EXPECT_EQ(to_hex(response->partial_iv), "00");
  EXPECT_EQ(response->x, 0x07);
  EXPECT_EQ(to_hex(response->nonce), "e41b7c92e622351e");
  EXPECT_FALSE(response->kid);
}

// The OSCORE options of the libcoap captures (no KUDOS) as tshark's own parser reads them.
TEST(WireOscoreOption, LibcoapCapturesMatchTshark) {
  if (!test::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<std::string> paths;
  for (const char* name : {"libcoap-oscore.pcap", "libcoap-oscore-recipient-id-options.pcap",
                           "libcoap-oscore-appendix-b2.pcap"}) {
    paths.push_back(test::third_party_capture(name));
  }
  const auto rows = test::tshark_fields_of(
      paths,
      {"frame.number", "udp.payload", "coap.opt.object_security_piv", "coap.opt.object_security_kid_present",
       "coap.opt.object_security_kid", "coap.opt.object_security_kid_context_present",
       "coap.opt.object_security_kid_context"},
      "-Y coap.opt.name");
  ASSERT_TRUE(rows);
  std::size_t compared = 0;
  for (const auto& r : *rows) {
    SCOPED_TRACE("merged frame " + r[0]);
    const Bytes datagram = hex(r[1]);
    auto m = parse_coap(view(datagram), nullptr);
    ASSERT_TRUE(m);
    const CoapOption* opt = m->body.find(kOptOscore);
    ASSERT_NE(opt, nullptr);
    std::string error;
    const auto o = parse_oscore_option(opt->value, &error);
    ASSERT_TRUE(o) << error;
    EXPECT_EQ(to_hex(o->partial_iv), r[2]);
    // tshark leaves the flag fields out for an empty option value.
    EXPECT_EQ(o->kid.has_value(), test::tshark_bool(r[3]).value_or(false));
    // tshark prints "<MISSING>" for a present but empty kid.
    if (o->kid) {
      EXPECT_EQ(o->kid->empty() ? "<MISSING>" : to_hex(*o->kid), r[4]);
    }
    EXPECT_EQ(o->kid_context.has_value(), test::tshark_bool(r[5]).value_or(false));
    if (o->kid_context) {
      EXPECT_EQ(to_hex(*o->kid_context), r[6]);
    }
    ++compared;
  }
  EXPECT_GT(compared, 40u);
}

TEST(WireOscoreOption, ReservedBitsAndLengths) {
  EXPECT_EQ(parse_error({0x40}), "reserved flag bit 0x40 set in byte 0");
  EXPECT_EQ(parse_error({0x21}), "reserved flag bit 0x20 set in byte 0");
  EXPECT_EQ(parse_error({0x06, 1, 2, 3, 4, 5, 6}), "Partial IV length 6 is reserved");
  EXPECT_EQ(parse_error({0x07, 1, 2, 3, 4, 5, 6, 7}), "Partial IV length 7 is reserved");
  EXPECT_EQ(parse_error({0x80, 0x03}), "reserved flag bit 0x02 set in the second flag byte");
  EXPECT_EQ(parse_error({0x80, 0x80}), "reserved flag bit 0x80 set in the second flag byte");
  EXPECT_NE(parse_error({0x80}).find("second flag byte is missing"), std::string::npos);
  EXPECT_NE(parse_error({0x03, 0x01}).find("Partial IV of 3 bytes at byte 1 runs past"), std::string::npos);
  EXPECT_NE(parse_error({0x11, 0x00}).find("kid context length byte missing"), std::string::npos);
  EXPECT_NE(parse_error({0x11, 0x00, 0x04, 0xaa}).find("kid context of 4 bytes at byte 3 runs past"),
            std::string::npos);
  EXPECT_NE(parse_error({0x81, 0x01, 0x00}).find("x byte missing"), std::string::npos);
  EXPECT_EQ(parse_error({0x81, 0x01, 0x00, 0x87, 1, 2, 3, 4, 5, 6, 7, 8}), "reserved bit 0x80 set in x");
  EXPECT_NE(parse_error({0x81, 0x01, 0x00, 0x07, 1, 2}).find("nonce of 8 bytes at byte 4 runs past"),
            std::string::npos);
  EXPECT_NE(parse_error({0x01, 0x00, 0xaa}).find("1 bytes after the last field at byte 2 (k flag clear)"),
            std::string::npos);
  // The second flag byte without d: no x or nonce.
  const Bytes no_d = {0x89, 0x00, 0x05, 0x42};
  const OscoreOption o = parse_ok(no_d);
  EXPECT_TRUE(o.extension1);
  EXPECT_FALSE(o.kudos);
  EXPECT_EQ(to_hex(o.partial_iv), "05");
  ASSERT_TRUE(o.kid);
  EXPECT_EQ(to_hex(*o.kid), "42");
}

TEST(WireOscoreOption, NoCrashOnAnyTruncation) {
  const Bytes value = hex("9A0115B3030A0B0C070001020304050607AA");
  for (std::size_t n = 0; n < value.size(); ++n) {
    std::string error;
    const auto o = parse_oscore_option(ByteView(value.data(), n), &error);
    // The kid is the rest, so only cuts inside the fixed fields fail; all with a message.
    EXPECT_EQ(o.has_value(), error.empty()) << n;
  }
}

}  // namespace
}  // namespace oidu
