// Request/response matching: the pending requests, found by (client, server, token) or
// by Message ID for a piggybacked ACK, expired after EXCHANGE_LIFETIME (exchanges.hpp).
#include "analysis/exchanges.hpp"

#include <algorithm>
#include <bit>

#include <xxhash.h>

namespace oidu {
namespace {

// Observations live as long as notifications keep coming; a quiet one is dropped
// after a generous multiple of the exchange lifetime.
constexpr std::int64_t kObserveIdleUs = 4 * kExchangeLifetimeUs;

constexpr std::size_t kMinCapacity = 64;
constexpr std::size_t kEndpointBytes = 18;
constexpr std::size_t kInlineToken = 8;

// The address bytes its version uses, then the port in network order.
std::size_t put_endpoint(const Endpoint& e, std::uint8_t* out) {
  const std::size_t n = e.ip.version == 4 ? 4 : 16;
  std::copy_n(e.ip.bytes.begin(), n, out);
  out[n] = static_cast<std::uint8_t>(e.port >> 8);
  out[n + 1] = static_cast<std::uint8_t>(e.port);
  return n + 2;
}

// One hash over (client, server, token) laid end to end: a token within CoAP's 8 bytes
// joins the endpoints in a single XXH3 call. Equal fingerprints are only candidates:
// the table compares the whole key.
std::uint64_t exchange_key(const Endpoint& client, const Endpoint& server, ByteView token) {
  std::array<std::uint8_t, 2 * kEndpointBytes + kInlineToken> bytes;
  std::size_t n = put_endpoint(client, bytes.data());
  n += put_endpoint(server, bytes.data() + n);
  std::uint64_t key;
  if (token.size() <= kInlineToken) {
    std::copy(token.begin(), token.end(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    key = XXH3_64bits(bytes.data(), n + token.size());
  } else {
    key = XXH3_64bits_withSeed(token.data(), token.size(), XXH3_64bits(bytes.data(), n));
  }
  return key == 0 ? 1 : key;  // 0 marks a free slot
}

bool same_key(const PendingRequest& r, const Endpoint& client, const Endpoint& server, ByteView token) {
  return r.client == client && r.server == server && same_bytes(r.token, token);
}

}  // namespace

std::uint64_t fingerprint(ByteView data, std::uint64_t seed) {
  return XXH3_64bits_withSeed(data.data(), data.size(), seed);
}

std::uint64_t fingerprint(const Endpoint& e, ByteView tail) {
  std::array<std::uint8_t, kEndpointBytes + kInlineToken> bytes;
  const std::size_t n = put_endpoint(e, bytes.data());
  if (tail.size() > kInlineToken) return fingerprint(tail, XXH3_64bits(bytes.data(), n));
  std::copy(tail.begin(), tail.end(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  return XXH3_64bits(bytes.data(), n + tail.size());
}

std::size_t ExchangeTable::home(std::uint64_t key) const { return fibonacci_slot(key, index_.size()); }

std::size_t ExchangeTable::find(std::uint64_t key, const Endpoint& client, const Endpoint& server,
                                ByteView token) const {
  if (index_.empty()) return kNotFound;
  const std::size_t i = probe(index_, key, [&](const Slot& s) {
    return s.key == 0 || (s.key == key && same_key(entries_[s.entry], client, server, token));
  });
  return index_[i].key == 0 ? kNotFound : i;
}

PendingRequest* ExchangeTable::find_by_message_id(const Endpoint& client, const Endpoint& server,
                                                  std::uint16_t message_id) {
  // Rare (a piggybacked ACK whose token matches nothing), so a scan. Should a client have
  // reused the Message ID within the exchange lifetime, its latest CON is the one answered.
  PendingRequest* found = nullptr;
  for (std::size_t id = 0; id < entries_.size(); ++id) {
    PendingRequest& r = entries_[id];
    if (entry_keys_[id] != 0 && r.type == CoapType::Con && r.message_id == message_id &&
        r.client == client && r.server == server && (!found || r.frame > found->frame)) {
      found = &r;
    }
  }
  return found;
}

void ExchangeTable::rebuild_index(std::size_t capacity) {
  index_.assign(capacity, Slot{});
  if (capacity != index_.capacity()) index_.shrink_to_fit();
  for (std::size_t id = 0; id < entries_.size(); ++id) {
    if (entry_keys_[id] == 0) continue;
    index_[probe(index_, entry_keys_[id], [](const Slot& s) { return s.key == 0; })] = Slot{entry_keys_[id], static_cast<std::uint32_t>(id)};
  }
}

PendingRequest& ExchangeTable::add_request(PendingRequest request) {
  request.last_use_us = request.time_us;
  const std::uint64_t key = exchange_key(request.client, request.server, request.token);
  if (const std::size_t i = find(key, request.client, request.server, request.token); i != kNotFound) {
    PendingRequest& older = entries_[index_[i].entry];
    older = std::move(request);
    return older;
  }
  // At most half full, so probes stay short and always end at a free slot.
  if (2 * (live_ + 1) > index_.size()) rebuild_index(std::max(kMinCapacity, 2 * index_.size()));
  std::uint32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    entries_[id] = std::move(request);
    entry_keys_[id] = key;
  } else {
    id = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(std::move(request));
    entry_keys_.push_back(key);
  }
  index_[probe(index_, key, [](const Slot& s) { return s.key == 0; })] = Slot{key, id};
  ++live_;
  return entries_[id];
}

PendingRequest* ExchangeTable::match_response(const Endpoint& server, const Endpoint& client,
                                              ByteView token, CoapType type,
                                              std::uint16_t message_id, std::int64_t now_us) {
  PendingRequest* found = nullptr;
  if (const std::size_t i = find(exchange_key(client, server, token), client, server, token);
      i != kNotFound) {
    found = &entries_[index_[i].entry];
  } else if (type == CoapType::Ack) {
    // A piggybacked response whose token was mangled still answers its CON by Message ID.
    found = find_by_message_id(client, server, message_id);
  }
  if (found) found->last_use_us = now_us;
  return found;
}

void ExchangeTable::prefetch(const Endpoint& client, const Endpoint& server, ByteView token) const {
  if (!index_.empty()) __builtin_prefetch(&index_[home(exchange_key(client, server, token))]);
}

const PendingRequest* ExchangeTable::hint(const Endpoint& client, const Endpoint& server, ByteView token) const {
  if (index_.empty()) return nullptr;
  const Slot& s = index_[home(exchange_key(client, server, token))];
  return s.key != 0 && s.entry < entries_.size() ? &entries_[s.entry] : nullptr;
}

void ExchangeTable::remove(std::size_t slot) {
  const std::uint32_t id = index_[slot].entry;
  entries_[id] = PendingRequest{};  // gives back a long kid's or token's heap copy
  entry_keys_[id] = 0;
  free_.push_back(id);
  --live_;
  // Backward-shift deletion: later slots of the probe run move up into the hole when
  // their home does not lie after it, so no tombstones pile up.
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = slot;
  for (std::size_t i = (hole + 1) & mask; index_[i].key != 0; i = (i + 1) & mask) {
    if (((i - home(index_[i].key)) & mask) >= ((i - hole) & mask)) {
      index_[hole] = index_[i];
      hole = i;
    }
  }
  index_[hole] = Slot{};
}

void ExchangeTable::complete(PendingRequest& request) {
  if (request.observe) return;
  const std::size_t i = find(exchange_key(request.client, request.server, request.token),
                             request.client, request.server, request.token);
  if (i != kNotFound) remove(i);
}

void ExchangeTable::compact() {
  std::vector<PendingRequest> entries;
  std::vector<std::uint64_t> keys;
  entries.reserve(live_);
  keys.reserve(live_);
  for (std::size_t id = 0; id < entries_.size(); ++id) {
    if (entry_keys_[id] == 0) continue;
    entries.push_back(std::move(entries_[id]));
    keys.push_back(entry_keys_[id]);
  }
  entries_ = std::move(entries);
  entry_keys_ = std::move(keys);
  free_ = std::vector<std::uint32_t>();
  // A quarter full afterwards: it grows again only once the live exchanges double.
  rebuild_index(std::max(kMinCapacity, std::bit_ceil(4 * live_)));
}

void ExchangeTable::expire(std::int64_t now_us) {
  if (index_.empty()) return;
  for (std::size_t id = 0; id < entries_.size(); ++id) {
    const std::uint64_t key = entry_keys_[id];
    if (key == 0) continue;
    const PendingRequest& r = entries_[id];
    const std::int64_t idle = r.observe ? kObserveIdleUs : kExchangeLifetimeUs;
    if (now_us - r.last_use_us <= idle) continue;
    remove(probe(index_, key, [&](const Slot& s) { return s.entry == id && s.key == key; }));
  }
  // Give memory back once most of it is idle: the index (and with it the entry array,
  // at most half its size) then follows the exchanges live now, not an earlier burst.
  if (index_.size() > kMinCapacity && 8 * live_ < index_.size()) compact();
}

}  // namespace oidu
