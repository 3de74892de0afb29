// CBOR encoding (core/cbor.hpp) against RFC 8949 Appendix A and section 3.
#include <gtest/gtest.h>

#include "core/cbor.hpp"

using oidu::Bytes;
using oidu::ByteView;
namespace cbor = oidu::cbor;

namespace {

std::string hex_of(void (*put)(Bytes&, std::uint64_t), std::uint64_t v) {
  Bytes out;
  put(out, v);
  return oidu::to_hex(out);
}

std::string int_hex(std::int64_t v) {
  Bytes out;
  cbor::put_int(out, v);
  return oidu::to_hex(out);
}

}  // namespace

TEST(CoreCbor, UnsignedIntegersFromRfc8949AppendixA) {
  EXPECT_EQ(hex_of(cbor::put_uint, 0), "00");
  EXPECT_EQ(hex_of(cbor::put_uint, 10), "0a");
  EXPECT_EQ(hex_of(cbor::put_uint, 23), "17");
  EXPECT_EQ(hex_of(cbor::put_uint, 24), "1818");
  EXPECT_EQ(hex_of(cbor::put_uint, 100), "1864");
  EXPECT_EQ(hex_of(cbor::put_uint, 1000), "1903e8");
  EXPECT_EQ(hex_of(cbor::put_uint, 1000000), "1a000f4240");
  EXPECT_EQ(hex_of(cbor::put_uint, 1000000000000ULL), "1b000000e8d4a51000");
  EXPECT_EQ(hex_of(cbor::put_uint, 18446744073709551615ULL), "1bffffffffffffffff");
}

TEST(CoreCbor, SignedIntegersFromRfc8949AppendixA) {
  EXPECT_EQ(int_hex(0), "00");
  EXPECT_EQ(int_hex(10), "0a");
  EXPECT_EQ(int_hex(-1), "20");
  EXPECT_EQ(int_hex(-10), "29");
  EXPECT_EQ(int_hex(-100), "3863");
  EXPECT_EQ(int_hex(-1000), "3903e7");
  EXPECT_EQ(int_hex(INT64_MIN), "3b7fffffffffffffff");
}

TEST(CoreCbor, StringsArraysAndNull) {
  Bytes out;
  cbor::put_tstr(out, "");
  cbor::put_tstr(out, "IETF");
  cbor::put_bstr(out, Bytes{0x01, 0x02, 0x03, 0x04});
  cbor::put_array_header(out, 0);
  cbor::put_array_header(out, 3);
  cbor::put_array_header(out, 25);
  cbor::put_null(out);
  EXPECT_EQ(oidu::to_hex(out), "60" "6449455446" "4401020304" "80" "83" "9819" "f6");
}

TEST(CoreCbor, ByteStringHeadersAtLengthBoundaries) {
  // RFC 8949 3: lengths 0-23 in the initial byte, then 1-, 2-byte arguments.
  const struct {
    std::size_t length;
    const char* head;
  } cases[] = {{0, "40"}, {23, "57"}, {24, "5818"}, {255, "58ff"}, {256, "590100"}, {65536, "5a00010000"}};
  for (const auto& c : cases) {
    const Bytes value(c.length, 0xab);
    const Bytes encoded = cbor::bstr(value);
    const std::string head(c.head);
    ASSERT_EQ(encoded.size(), head.size() / 2 + c.length) << c.length;
    EXPECT_EQ(oidu::to_hex(ByteView(encoded).first(head.size() / 2)), head) << c.length;

    std::size_t consumed = 0;
    const auto read = cbor::read_bstr(encoded, consumed);
    ASSERT_TRUE(read) << c.length;
    EXPECT_EQ(consumed, encoded.size());
    EXPECT_TRUE(std::equal(read->begin(), read->end(), value.begin(), value.end()));
  }
}

TEST(CoreCbor, ReadBstrStopsAtItsEnd) {
  const Bytes in{0x42, 0xaa, 0xbb, 0x41, 0xcc};
  std::size_t consumed = 0;
  const auto first = cbor::read_bstr(in, consumed);
  ASSERT_TRUE(first);
  EXPECT_EQ(consumed, 3u);
  EXPECT_EQ(oidu::to_hex(*first), "aabb");
  const auto second = cbor::read_bstr(ByteView(in).subspan(consumed), consumed);
  ASSERT_TRUE(second);
  EXPECT_EQ(consumed, 2u);
  EXPECT_EQ(oidu::to_hex(*second), "cc");
}

TEST(CoreCbor, ReadBstrRejectsMalformedInput) {
  const std::vector<Bytes> bad{
      {},                                    // nothing
      {0x43, 0x01, 0x02},                    // shorter than announced
      {0x58},                                // missing length byte
      {0x59, 0x01},                          // truncated 2-byte length
      {0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},  // absurd length
      {0x5f, 0x41, 0x00, 0xff},              // indefinite length
      {0x5c},                                // reserved additional info
      {0x61, 0x61},                          // text string, not byte string
      {0x01},                                // integer
  };
  for (const Bytes& b : bad) {
    std::size_t consumed = 0;
    EXPECT_FALSE(cbor::read_bstr(b, consumed)) << oidu::to_hex(b);
  }
}

// The in-place writers (the per-message associated data) must say their size exactly:
// the buffer is sized from it before anything is written.
TEST(CoreCbor, InPlaceWritersTakeExactlyTheirSize) {
  for (const std::int64_t v : {std::int64_t{0}, std::int64_t{23}, std::int64_t{24}, std::int64_t{255}, std::int64_t{256},
                               std::int64_t{65535}, std::int64_t{65536}, std::int64_t{4294967295}, std::int64_t{4294967296},
                               std::int64_t{-1}, std::int64_t{-24}, std::int64_t{-25}, INT64_MIN, INT64_MAX}) {
    std::uint8_t buffer[cbor::kMaxHeadSize + 1] = {};
    const std::uint8_t* end = cbor::write_int(buffer, v);
    EXPECT_EQ(static_cast<std::size_t>(end - buffer), cbor::int_size(v)) << v;
    EXPECT_EQ(oidu::to_hex(ByteView(buffer, cbor::int_size(v))), int_hex(v)) << v;
  }
  for (const std::size_t length : {0u, 23u, 24u, 255u, 256u, 65536u}) {
    const Bytes value(length, 0x5a);
    Bytes written(cbor::bstr_size(value) + 1, 0xee);
    const std::uint8_t* end = cbor::write_bstr(written.data(), value);
    EXPECT_EQ(static_cast<std::size_t>(end - written.data()), cbor::bstr_size(value)) << length;
    EXPECT_EQ(written.back(), 0xee) << length;
    written.pop_back();
    EXPECT_EQ(written, cbor::bstr(value)) << length;
  }
}
