// CoAP retransmissions recognised by endpoint, type, Message ID and bytes, in a flat table
// whose expired slots are reused (duplicate_filter.hpp).
#include "analysis/duplicate_filter.hpp"

#include <bit>

#include "analysis/exchanges.hpp"

namespace oidu {
namespace {

constexpr std::size_t kMinCapacity = 1024;

}  // namespace

std::int64_t duplicate_lifetime_us(CoapType type) {
  switch (type) {
    case CoapType::Con: return kExchangeLifetimeUs;
    case CoapType::Non: return kNonLifetimeUs;
    default: return kMaxTransmitWaitUs;
  }
}

std::size_t DuplicateFilter::home(std::uint64_t key) const { return fibonacci_slot(key, slots_.size()); }

std::uint64_t DuplicateFilter::key_of(const Endpoint& src, CoapType type, std::uint16_t message_id) {
  const std::uint8_t rest[3] = {static_cast<std::uint8_t>(type), static_cast<std::uint8_t>(message_id >> 8),
                                static_cast<std::uint8_t>(message_id)};
  const std::uint64_t key = fingerprint(src, ByteView(rest, 3));
  return key == 0 ? 1 : key;  // 0 marks a free slot
}

void DuplicateFilter::prefetch(const Endpoint& src, CoapType type, std::uint16_t message_id) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[home(key_of(src, type, message_id))]);
}

std::size_t DuplicateFilter::live(std::int64_t now_us) const {
  std::size_t n = 0;
  for (const Slot& s : slots_) n += s.key != 0 && s.expires_us >= now_us;
  return n;
}

void DuplicateFilter::rebuild(std::int64_t now_us) {
  std::vector<Slot> kept;
  kept.reserve(live(now_us));
  for (const Slot& s : slots_) {
    if (s.key != 0 && s.expires_us >= now_us) kept.push_back(s);
  }
  // At most half full afterwards: the next rebuild (at three quarters) comes after at
  // least half as many insertions as there are live entries, so rebuilding costs O(1)
  // per message, and the table stays within four slots per live entry. The old table
  // goes before the new one comes, so the peak is one table plus the live entries.
  const std::size_t capacity = std::max(kMinCapacity, std::bit_ceil(2 * kept.size() + 1));
  slots_ = decltype(slots_)();
  slots_.assign(capacity, Slot{});
  used_ = kept.size();
  for (const Slot& s : kept) slots_[probe(slots_, s.key, [](const Slot& t) { return t.key == 0; })] = s;
}

bool DuplicateFilter::seen(const Endpoint& src, CoapType type, std::uint16_t message_id,
                           ByteView datagram, std::uint64_t frame, std::int64_t now_us,
                           std::uint64_t* original_frame) {
  if (slots_.empty() || 4 * (used_ + 1) > 3 * slots_.size()) rebuild(now_us);
  const std::uint64_t key = key_of(src, type, message_id);
  const std::uint64_t hash = fingerprint(datagram);
  const auto digest = static_cast<std::uint32_t>(hash ^ (hash >> 32));
  const Slot fresh{key, now_us + duplicate_lifetime_us(type), digest, static_cast<std::uint32_t>(frame)};

  Slot* reusable = nullptr;  // the first expired slot on the probe path
  Slot& s = slots_[probe(slots_, key, [&](Slot& t) {
    if (t.key == key || t.key == 0) return true;
    if (!reusable && t.expires_us < now_us) reusable = &t;
    return false;
  })];
  if (s.key == key) {
    if (s.expires_us >= now_us && s.digest == digest) {
      if (original_frame) *original_frame = s.frame;
      return true;
    }
    s = fresh;  // expired, or the Message ID was reused for another message
    return false;
  }
  if (reusable) {
    *reusable = fresh;
  } else {
    s = fresh;
    ++used_;
  }
  return false;
}

}  // namespace oidu
