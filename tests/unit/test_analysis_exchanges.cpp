// Request/response matching as a CoAP endpoint does it (RFC 7252 5.3.2: by token, and a
// piggybacked ACK by Message ID, 4.4), with entries living EXCHANGE_LIFETIME (4.8.2) and
// Observe registrations (RFC 7641) outliving their first response; and the table's
// memory follows the live exchanges, not how many went by.
#include <gtest/gtest.h>

#include "analysis/exchanges.hpp"

namespace oidu {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kExchangeLifetime = 247 * kSecond;  // RFC 7252 4.8.2 defaults

Endpoint endpoint(std::uint8_t host, std::uint16_t port = 5683) {
  Endpoint e;
  e.ip.bytes = {10, 0, 0, host};
  e.port = port;
  return e;
}

const Endpoint kClient = endpoint(1, 40000);
const Endpoint kServer = endpoint(2);

Bytes counter_token(std::uint32_t n) {
  return {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
          static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

PendingRequest request(std::uint64_t frame, const Bytes& token, std::uint16_t mid = 1,
                       CoapType type = CoapType::Con, std::int64_t time_us = 0) {
  PendingRequest r;
  r.frame = frame;
  r.time_us = time_us;
  r.client = kClient;
  r.server = kServer;
  r.token.assign(token);
  r.message_id = mid;
  r.type = type;
  return r;
}

// A response from kServer to kClient.
PendingRequest* respond(ExchangeTable& t, const Bytes& token, CoapType type = CoapType::Con,
                        std::uint16_t mid = 99, std::int64_t now_us = 0) {
  return t.match_response(kServer, kClient, token, type, mid, now_us);
}

TEST(ExchangeTable, ResponseMatchesItsRequestByTokenAndEndpoints) {
  ExchangeTable t;
  t.add_request(request(1, {0xaa, 0xbb}));
  t.add_request(request(2, {0xcc}));
  t.add_request(request(3, {}));

  ASSERT_NE(respond(t, {0xaa, 0xbb}), nullptr);
  EXPECT_EQ(respond(t, {0xaa, 0xbb})->frame, 1u);
  EXPECT_EQ(respond(t, {0xcc})->frame, 2u);
  ASSERT_NE(respond(t, {}), nullptr);  // the empty token is a token like any other
  EXPECT_EQ(respond(t, {})->frame, 3u);
  EXPECT_EQ(respond(t, {0xaa}), nullptr);
  EXPECT_EQ(respond(t, {0xaa, 0xbb, 0x00}), nullptr);
  // Only the server the request went to answers it, and only to its client.
  EXPECT_EQ(t.match_response(endpoint(3), kClient, Bytes{0xcc}, CoapType::Con, 99, 0), nullptr);
  EXPECT_EQ(t.match_response(endpoint(2, 5684), kClient, Bytes{0xcc}, CoapType::Con, 99, 0), nullptr);
  EXPECT_EQ(t.match_response(kServer, endpoint(1, 40001), Bytes{0xcc}, CoapType::Con, 99, 0), nullptr);
  EXPECT_EQ(t.match_response(kClient, kServer, Bytes{0xcc}, CoapType::Con, 99, 0), nullptr);
  EXPECT_EQ(t.size(), 3u);
}

TEST(ExchangeTable, IPv4AndIPv6EndpointsWithTheSameBytesAreDifferentPeers) {
  ExchangeTable t;
  PendingRequest v6 = request(2, {0x01});
  v6.client.ip.version = 6;
  v6.server.ip.version = 6;
  t.add_request(request(1, {0x01}));
  t.add_request(std::move(v6));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(respond(t, {0x01})->frame, 1u);
}

TEST(ExchangeTable, NewRequestWithTheSameTokenReplacesTheOlder) {
  ExchangeTable t;
  PendingRequest first = request(1, {0x42}, 10);
  first.kid.assign(Bytes{0x01});
  t.add_request(std::move(first));
  PendingRequest second = request(5, {0x42}, 11);
  second.kid.assign(Bytes{0x02});
  PendingRequest& added = t.add_request(std::move(second));
  EXPECT_EQ(added.frame, 5u);
  EXPECT_EQ(t.size(), 1u);
  PendingRequest* r = respond(t, {0x42});
  ASSERT_EQ(r, &added);
  EXPECT_EQ(r->message_id, 11);
  EXPECT_TRUE(same_bytes(r->kid, Bytes{0x02}));
}

TEST(ExchangeTable, PiggybackedAckWithAnotherTokenMatchesItsConByMessageId) {
  ExchangeTable t;
  t.add_request(request(1, {0x01}, 0x1234, CoapType::Con));
  t.add_request(request(2, {0x02}, 0x5678, CoapType::Non));

  PendingRequest* r = respond(t, {0xee}, CoapType::Ack, 0x1234);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->frame, 1u);
  // Only an ACK is tied to a Message ID, and only a CON's.
  EXPECT_EQ(respond(t, {0xee}, CoapType::Con, 0x1234), nullptr);
  EXPECT_EQ(respond(t, {0xee}, CoapType::Non, 0x1234), nullptr);
  EXPECT_EQ(respond(t, {0xee}, CoapType::Ack, 0x5678), nullptr);
  EXPECT_EQ(respond(t, {0xee}, CoapType::Ack, 0x1235), nullptr);
  EXPECT_EQ(t.match_response(endpoint(3), kClient, Bytes{0xee}, CoapType::Ack, 0x1234, 0), nullptr);

  // A Message ID reused within the lifetime: the latest CON is the one outstanding.
  t.add_request(request(7, {0x03}, 0x1234, CoapType::Con));
  EXPECT_EQ(respond(t, {0xee}, CoapType::Ack, 0x1234)->frame, 7u);
  t.complete(*respond(t, {0xee}, CoapType::Ack, 0x1234));
  EXPECT_EQ(respond(t, {0xee}, CoapType::Ack, 0x1234)->frame, 1u);
}

TEST(ExchangeTable, CompleteForgetsTheExchangeButKeepsObserveRegistrations) {
  ExchangeTable t;
  t.add_request(request(1, {0x01}));
  PendingRequest& observe = t.add_request(request(2, {0x02}));
  observe.observe = true;  // set after registration, as the engine does once decrypted

  t.complete(*respond(t, {0x01}));
  EXPECT_EQ(respond(t, {0x01}), nullptr);
  for (int notification = 0; notification < 3; ++notification) {
    PendingRequest* r = respond(t, {0x02}, CoapType::Non);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->frame, 2u);
    t.complete(*r);
  }
  EXPECT_EQ(t.size(), 1u);
}

TEST(ExchangeTable, ExchangesExpireAfterTheLifetimeOfSilenceObservationsLater) {
  ExchangeTable t;
  t.add_request(request(1, {0x01}, 1, CoapType::Con, 0));
  t.add_request(request(2, {0x02}, 2, CoapType::Con, 0));
  PendingRequest& observe = t.add_request(request(3, {0x03}, 3, CoapType::Con, 0));
  observe.observe = true;

  t.expire(kExchangeLifetime);
  EXPECT_EQ(t.size(), 3u);
  // A response in between counts as use: the exchange's silence starts again.
  ASSERT_NE(respond(t, {0x02}, CoapType::Con, 99, 100 * kSecond), nullptr);
  t.expire(kExchangeLifetime + 1);
  EXPECT_EQ(respond(t, {0x01}), nullptr);
  EXPECT_NE(respond(t, {0x02}, CoapType::Con, 99, 100 * kSecond), nullptr);
  t.expire(100 * kSecond + kExchangeLifetime + 1);
  EXPECT_EQ(respond(t, {0x02}), nullptr);
  EXPECT_EQ(t.size(), 1u);

  // An observation stays while notifications keep coming, and goes once they stop.
  std::int64_t now = 0;
  for (int i = 0; i < 10; ++i) {
    now += 2 * kExchangeLifetime;
    t.expire(now);
    ASSERT_NE(respond(t, {0x03}, CoapType::Non, 99, now), nullptr) << i;
  }
  t.expire(now + 4 * kExchangeLifetime);
  EXPECT_EQ(t.size(), 1u);
  t.expire(now + 4 * kExchangeLifetime + 1);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(respond(t, {0x03}), nullptr);
}

TEST(ExchangeTable, RfcSizedValuesStayInlineLongerOnesAreKeptWhole) {
  PendingRequest small = request(1, Bytes(8, 0x11));  // RFC 7252: tokens up to 8 bytes
  small.kid.assign(Bytes(16, 0x22));
  small.piv.assign(Bytes(5, 0x33));                    // RFC 8613: PIVs up to 5 bytes
  EXPECT_FALSE(small.token.on_heap());
  EXPECT_FALSE(small.kid.on_heap());
  EXPECT_FALSE(small.piv.on_heap());

  // Beyond what the RFCs allow (RFC 8974 extended tokens, malformed options): kept whole.
  const Bytes long_token{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  Bytes long_kid(40);
  for (std::size_t i = 0; i < long_kid.size(); ++i) long_kid[i] = static_cast<std::uint8_t>(i);
  const Bytes long_piv{0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7};
  ExchangeTable t;
  PendingRequest big = request(2, long_token);
  big.kid.assign(long_kid);
  big.piv.assign(long_piv);
  EXPECT_TRUE(big.token.on_heap());
  const PendingRequest copy = big;  // a copy owns its own bytes
  t.add_request(std::move(big));
  Bytes sibling = long_token;
  sibling.back() ^= 1;
  t.add_request(request(3, sibling));
  t.add_request(std::move(small));

  PendingRequest* r = respond(t, long_token);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->frame, 2u);
  const ByteView kid = r->kid;  // as the engine takes request_kid
  EXPECT_TRUE(same_bytes(kid, long_kid));
  EXPECT_TRUE(same_bytes(r->piv, long_piv));
  EXPECT_TRUE(same_bytes(r->token, long_token));
  EXPECT_TRUE(same_bytes(copy.kid, long_kid));
  EXPECT_EQ(respond(t, sibling)->frame, 3u);
  EXPECT_EQ(respond(t, Bytes(long_token.begin(), long_token.begin() + 8)), nullptr);
  EXPECT_TRUE(same_bytes(respond(t, Bytes(8, 0x11))->kid, Bytes(16, 0x22)));

  // Replaced by a short value and back: each time the value read is the one assigned.
  r->kid.assign(Bytes{0x07});
  EXPECT_TRUE(same_bytes(r->kid, Bytes{0x07}));
  r->kid.assign(long_kid);
  EXPECT_TRUE(same_bytes(r->kid, long_kid));
  t.complete(*r);
  EXPECT_EQ(respond(t, long_token), nullptr);
  EXPECT_EQ(t.size(), 2u);
}

TEST(ExchangeTable, ManyExchangesAllMatchAndReferencesHoldAsDocumented) {
  constexpr std::uint32_t kCount = 20'000;
  ExchangeTable t;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    PendingRequest r = request(i, counter_token(i), static_cast<std::uint16_t>(i));
    r.kid.assign(counter_token(~i));
    t.add_request(std::move(r));
  }
  ASSERT_EQ(t.size(), kCount);
  for (std::uint32_t i = 0; i < kCount; ++i) {
    PendingRequest* r = respond(t, counter_token(i));
    ASSERT_NE(r, nullptr) << i;
    ASSERT_EQ(r->frame, i);
    ASSERT_TRUE(same_bytes(r->kid, counter_token(~i))) << i;
  }

  // A reference survives lookups and the completion of other exchanges.
  PendingRequest& kept = t.add_request(request(kCount, counter_token(kCount)));
  PendingRequest* held = respond(t, counter_token(8));
  for (std::uint32_t i = 0; i < kCount; i += 2) {
    if (i != 8) t.complete(*respond(t, counter_token(i)));
  }
  EXPECT_EQ(&kept, respond(t, counter_token(kCount)));
  EXPECT_EQ(kept.frame, kCount);
  EXPECT_EQ(held, respond(t, counter_token(8)));
  EXPECT_EQ(held->frame, 8u);
  EXPECT_EQ(t.size(), kCount / 2 + 2);
  for (std::uint32_t i = 0; i < kCount; ++i) {
    PendingRequest* r = respond(t, counter_token(i));
    ASSERT_EQ(r != nullptr, i % 2 == 1 || i == 8) << i;
    if (r) {
      ASSERT_EQ(r->frame, i);
    }
  }
  // Message ID fallback over a large table.
  EXPECT_EQ(respond(t, {0xff, 0xff, 0xff, 0xff, 0xff}, CoapType::Ack, 12345)->frame, 12345u);
}

TEST(ExchangeTable, MemoryFollowsLiveExchangesNotPackets) {
  ExchangeTable t;
  std::int64_t now = 0;
  std::uint32_t frame = 0;
  auto next = [&] {
    ++frame;
    return request(frame, counter_token(frame), 1, CoapType::Con, now);
  };
  // One exchange at a time, a million times over: the table never grows.
  t.add_request(next());
  t.complete(*respond(t, counter_token(frame)));
  const std::size_t quiet = t.capacity();
  for (int i = 0; i < 1'000'000; ++i) {
    t.add_request(next());
    t.complete(*respond(t, counter_token(frame)));
  }
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.capacity(), quiet);

  // Cycles of 1000 exchanges, half never answered and left to expire.
  std::size_t cycle_capacity = 0;
  for (int cycle = 0; cycle < 50; ++cycle) {
    for (int i = 0; i < 1000; ++i) {
      t.add_request(next());
      if (i % 2 == 0) t.complete(*respond(t, counter_token(frame)));
    }
    now += kExchangeLifetime + 1;
    t.expire(now);
    ASSERT_EQ(t.size(), 0u);
    if (cycle == 0) cycle_capacity = t.capacity();
    ASSERT_EQ(t.capacity(), cycle_capacity) << cycle;
  }

  // A burst of 100,000 live exchanges grows the table; once they expire it shrinks back.
  for (int i = 0; i < 100'000; ++i) {
    t.add_request(next());
  }
  EXPECT_GE(t.capacity(), 100'000u);
  now += kExchangeLifetime + 1;
  t.add_request(next());
  t.expire(now);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_LE(t.capacity(), quiet);
  EXPECT_EQ(respond(t, counter_token(frame))->frame, frame);
}

}  // namespace
}  // namespace oidu
