// NONCE_REUSE: the same (key, AEAD nonce) protecting two different messages. PIVs seen
// are kept as ranges per (key, nonce ID), so memory follows the gaps in a sender's
// sequence, not the message count; recent ciphertext digests tell a resent copy of the
// same message from a different one.
#include <iterator>

#include "analysis/engine.hpp"

namespace oidu {
namespace {

constexpr std::size_t kRecentDigests = 256;

std::uint64_t digest(ByteView data) {
  std::uint64_t h = 1469598103934665603ULL;
  for (auto b : data) {
    h ^= b;
    h *= 1099511628211ULL;
  }
  return h;
}

bool contains(const std::map<std::uint64_t, std::uint64_t>& ranges, std::uint64_t v) {
  auto it = ranges.upper_bound(v);
  if (it == ranges.begin()) return false;
  --it;
  return v <= it->second;
}

void insert(std::map<std::uint64_t, std::uint64_t>& ranges, std::uint64_t v) {
  auto next = ranges.upper_bound(v);
  if (next != ranges.begin()) {
    auto prev = std::prev(next);
    if (prev->second + 1 == v) {
      prev->second = v;
      if (next != ranges.end() && next->first == v + 1) {
        prev->second = next->second;
        ranges.erase(next);
      }
      return;
    }
  }
  if (next != ranges.end() && next->first == v + 1) {
    const std::uint64_t last = next->second;
    ranges.erase(next);
    ranges.emplace(v, last);
    return;
  }
  ranges.emplace(v, v);
}

}  // namespace

void Engine::track_nonce(Observed& m, ByteView key, ByteView nonce_id, ByteView piv,
                         ByteView ciphertext) {
  PivHistory& h = nonces[{Bytes(key.begin(), key.end()), Bytes(nonce_id.begin(), nonce_id.end())}];
  const std::uint64_t v = piv_value(piv);
  const std::uint64_t d = digest(ciphertext);
  if (contains(h.ranges, v)) {
    auto recent = h.recent.find(v);
    if (recent == h.recent.end() || recent->second != d) {
      report("NONCE_REUSE", m.frame.number, m.rec.procedure,
             "Partial IV " + std::to_string(v) + " of ID " + (nonce_id.empty() ? "''" : to_hex(nonce_id)) +
                 " protects a second, different message under the same key (" + m.slot.name + ")");
    }
  } else {
    insert(h.ranges, v);
  }
  h.recent[v] = d;
  if (h.recent.size() > kRecentDigests) h.recent.erase(h.recent.begin());
}

}  // namespace oidu
