// CoAP deduplication (RFC 7252 4.5) with the lifetimes of RFC 7252 4.8.2: a copy within
// the lifetime of its type is a retransmission, later it is a new message; and the
// table's memory follows the live messages, not how many went by.
#include <gtest/gtest.h>

#include "analysis/duplicate_filter.hpp"

namespace oidu {
namespace {

// RFC 7252 4.8.2 with the default transmission parameters.
constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kExchangeLifetime = 247 * kSecond;
constexpr std::int64_t kNonLifetime = 145 * kSecond;
constexpr std::int64_t kMaxTransmitWait = 93 * kSecond;

Endpoint endpoint(std::uint8_t host, std::uint16_t port = 5683) {
  Endpoint e;
  e.ip.bytes = {10, 0, 0, host};
  e.port = port;
  return e;
}

const Bytes kDatagram{0x42, 0x02, 0x12, 0x34, 0xaa, 0xbb};
const Bytes kOtherDatagram{0x42, 0x02, 0x12, 0x34, 0xaa, 0xcc};

TEST(DuplicateFilter, CopyWithinLifetimeIsARetransmissionOfTheFirstFrame) {
  DuplicateFilter f;
  std::uint64_t original = 0;
  EXPECT_FALSE(f.seen(endpoint(1), CoapType::Con, 0x1234, view(kDatagram), 7, 0, &original));
  EXPECT_TRUE(f.seen(endpoint(1), CoapType::Con, 0x1234, view(kDatagram), 9, 2 * kSecond, &original));
  EXPECT_EQ(original, 7u);
  EXPECT_TRUE(f.seen(endpoint(1), CoapType::Con, 0x1234, view(kDatagram), 12, 60 * kSecond, &original));
  EXPECT_EQ(original, 7u);
}

TEST(DuplicateFilter, EachTypeKeepsItsLifetime) {
  const std::pair<CoapType, std::int64_t> cases[] = {
      {CoapType::Con, kExchangeLifetime}, {CoapType::Non, kNonLifetime}, {CoapType::Ack, kMaxTransmitWait}};
  for (const auto& [type, lifetime] : cases) {
    DuplicateFilter f;
    std::uint64_t original = 0;
    ASSERT_FALSE(f.seen(endpoint(1), type, 1, view(kDatagram), 1, 0, &original));
    EXPECT_TRUE(f.seen(endpoint(1), type, 1, view(kDatagram), 2, lifetime, &original)) << static_cast<int>(type);
    EXPECT_FALSE(f.seen(endpoint(1), type, 1, view(kDatagram), 3, 2 * lifetime + 1, &original))
        << static_cast<int>(type);
    // Past its lifetime the copy counted as a new message, which starts a lifetime of its own.
    EXPECT_TRUE(f.seen(endpoint(1), type, 1, view(kDatagram), 4, 2 * lifetime + 2, &original));
    EXPECT_EQ(original, 3u);
  }
}

TEST(DuplicateFilter, SourceTypeMessageIdAndBytesAllTell) {
  DuplicateFilter f;
  std::uint64_t original = 0;
  ASSERT_FALSE(f.seen(endpoint(1), CoapType::Con, 1, view(kDatagram), 1, 0, &original));
  EXPECT_FALSE(f.seen(endpoint(2), CoapType::Con, 1, view(kDatagram), 2, 1, &original));
  EXPECT_FALSE(f.seen(endpoint(1, 5684), CoapType::Con, 1, view(kDatagram), 3, 2, &original));
  EXPECT_FALSE(f.seen(endpoint(1), CoapType::Non, 1, view(kDatagram), 4, 3, &original));
  EXPECT_FALSE(f.seen(endpoint(1), CoapType::Con, 2, view(kDatagram), 5, 4, &original));
  // The same Message ID reused for another message is not a copy; it replaces the first.
  EXPECT_FALSE(f.seen(endpoint(1), CoapType::Con, 1, view(kOtherDatagram), 6, 5, &original));
  EXPECT_TRUE(f.seen(endpoint(1), CoapType::Con, 1, view(kOtherDatagram), 7, 6, &original));
  EXPECT_EQ(original, 6u);
}

TEST(DuplicateFilter, MemoryFollowsLiveMessagesAndCopiesSurviveRebuilds) {
  // 1000 new CONs a second for 20 minutes: about EXCHANGE_LIFETIME x 1000 are live at
  // any time, however many went by; every message is copied once, a second later.
  DuplicateFilter f;
  constexpr std::int64_t kGap = kSecond / 1000;
  constexpr std::uint64_t kMessages = 1'200'000;
  // 60,000 sources taking turns, each with a new Message ID every round of 60 s.
  const auto source = [](std::uint64_t i) {
    return endpoint(static_cast<std::uint8_t>(i % 200), static_cast<std::uint16_t>(1000 + (i / 200) % 300));
  };
  const auto mid = [](std::uint64_t i) { return static_cast<std::uint16_t>(i / 60'000); };
  std::vector<std::uint64_t> first_frame(kMessages);
  std::uint64_t frame = 0, missed = 0;
  std::size_t largest = 0;
  for (std::uint64_t i = 0; i < kMessages; ++i) {
    const auto now = static_cast<std::int64_t>(i) * kGap;
    std::uint64_t original = 0;
    first_frame[i] = ++frame;
    ASSERT_FALSE(f.seen(source(i), CoapType::Con, mid(i), view(kDatagram), first_frame[i], now, &original)) << i;
    if (i >= 1000) {
      const std::uint64_t j = i - 1000;
      const bool copy = f.seen(source(j), CoapType::Con, mid(j), view(kDatagram), ++frame, now, &original);
      missed += !copy || original != first_frame[j];
    }
    largest = std::max(largest, f.capacity());
  }
  EXPECT_EQ(missed, 0u);
  const std::size_t live = f.live(static_cast<std::int64_t>(kMessages) * kGap);
  EXPECT_GT(live, 240'000u);
  EXPECT_LT(live, 250'000u);
  EXPECT_LE(largest, 4 * 250'000u);
}

}  // namespace
}  // namespace oidu
