#include "analysis/exchanges.hpp"

#include <algorithm>
#include <array>

#include <xxhash.h>

namespace oidu {
namespace {

// Observations live as long as notifications keep coming; a quiet one is dropped
// after a generous multiple of the exchange lifetime.
constexpr std::int64_t kObserveIdleUs = 4 * kExchangeLifetimeUs;

}  // namespace

std::uint64_t fingerprint(ByteView data, std::uint64_t seed) {
  return XXH3_64bits_withSeed(data.data(), data.size(), seed);
}

std::uint64_t fingerprint(const Endpoint& e, std::uint64_t seed) {
  const std::size_t n = e.ip.version == 4 ? 4 : 16;
  std::array<std::uint8_t, 18> bytes{};
  std::copy_n(e.ip.bytes.begin(), n, bytes.begin());
  bytes[n] = static_cast<std::uint8_t>(e.port >> 8);
  bytes[n + 1] = static_cast<std::uint8_t>(e.port);
  return XXH3_64bits_withSeed(bytes.data(), n + 2, seed);
}

std::size_t ExchangeTable::KeyHash::operator()(const Key& k) const {
  return static_cast<std::size_t>(fingerprint(k.token, fingerprint(k.server, fingerprint(k.client))));
}

PendingRequest& ExchangeTable::add_request(PendingRequest request) {
  request.last_use_us = request.time_us;
  Key key{request.client, request.server, request.token};
  auto [it, inserted] = by_token_.insert_or_assign(std::move(key), std::move(request));
  (void)inserted;
  return it->second;
}

PendingRequest* ExchangeTable::match_response(const Endpoint& server, const Endpoint& client,
                                              ByteView token, CoapType type,
                                              std::uint16_t message_id, std::int64_t now_us) {
  auto it = by_token_.find(Key{client, server, Bytes(token.begin(), token.end())});
  if (it == by_token_.end() && type == CoapType::Ack) {
    // A piggybacked response whose token was mangled still answers its CON by Message ID.
    it = std::find_if(by_token_.begin(), by_token_.end(), [&](const auto& entry) {
      const auto& r = entry.second;
      return r.client == client && r.server == server && r.type == CoapType::Con &&
             r.message_id == message_id;
    });
  }
  if (it == by_token_.end()) return nullptr;
  it->second.last_use_us = now_us;
  return &it->second;
}

void ExchangeTable::complete(PendingRequest& request) {
  if (request.observe) return;
  by_token_.erase(Key{request.client, request.server, request.token});
}

void ExchangeTable::expire(std::int64_t now_us) {
  std::erase_if(by_token_, [now_us](const auto& entry) {
    const auto& r = entry.second;
    const std::int64_t idle = r.observe ? kObserveIdleUs : kExchangeLifetimeUs;
    return now_us - r.last_use_us > idle;
  });
}

}  // namespace oidu
