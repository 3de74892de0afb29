// Hex conversion (core/bytes.hpp).
#include <gtest/gtest.h>

#include "core/bytes.hpp"

using oidu::Bytes;
using oidu::from_hex;
using oidu::to_hex;

TEST(CoreBytes, HexRoundTripOfEveryByteValue) {
  Bytes all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string hex = to_hex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(from_hex(hex), all);
}

TEST(CoreBytes, EmptyInputs) {
  EXPECT_EQ(to_hex(Bytes{}), "");
  ASSERT_TRUE(from_hex(""));
  EXPECT_TRUE(from_hex("")->empty());
  ASSERT_TRUE(from_hex("0x"));
  EXPECT_TRUE(from_hex("0x")->empty());
}

TEST(CoreBytes, AcceptsCasePrefixAndSeparators) {
  const Bytes expected{0x9e, 0x7c, 0xa9, 0x22};
  EXPECT_EQ(from_hex("9e7ca922"), expected);
  EXPECT_EQ(from_hex("9E7CA922"), expected);
  EXPECT_EQ(from_hex("0x9e7ca922"), expected);
  EXPECT_EQ(from_hex("0X9E7Ca922"), expected);
  EXPECT_EQ(from_hex("9e:7c:a9:22"), expected);
  EXPECT_EQ(from_hex("9e 7c a9 22"), expected);
  EXPECT_EQ(to_hex(expected), "9e7ca922");
}

TEST(CoreBytes, RejectsBadHex) {
  EXPECT_FALSE(from_hex("0"));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
  EXPECT_FALSE(from_hex("0g"));
  EXPECT_FALSE(from_hex("12-34"));
  EXPECT_FALSE(from_hex("1:234"));   // separator inside a byte
  EXPECT_FALSE(from_hex("0x0x12"));  // only one prefix
  EXPECT_FALSE(from_hex("12\n"));
}

namespace oidu {
namespace {

// IDs that differ only by trailing or leading zero bytes must not pack alike: "" and "00"
// are different Sender IDs (RFC 8613 section 3.3 allows the empty one).
TEST(PackShort, ShortStringsPackExactly) {
  const std::vector<Bytes> ids{{}, {0x00}, {0x00, 0x00}, {0x01}, {0x01, 0x00}, {0x00, 0x01},
                               {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = 0; j < ids.size(); ++j) {
      EXPECT_EQ(pack_short(ids[i]) == pack_short(ids[j]), i == j) << to_hex(ids[i]) << " vs " << to_hex(ids[j]);
    }
  }
}

TEST(PackShort, LongStringsKeepTheirLength) {
  const Bytes eight(8, 0x42), nine(9, 0x42);
  EXPECT_NE(pack_short(eight), pack_short(nine));
  EXPECT_EQ(pack_short(eight), pack_short(Bytes(8, 0x42)));
  EXPECT_EQ(pack_short(eight) >> 56, 8u);
}

}  // namespace
}  // namespace oidu
