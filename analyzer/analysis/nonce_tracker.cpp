// NONCE_REUSE: the same (key, AEAD nonce) protecting two different messages. PIVs seen
// are kept as ranges per (key, nonce ID), so memory follows the gaps in a sender's
// sequence, not the message count; recent ciphertext digests tell a resent copy of the
// same message from a different one.
#include <algorithm>
#include <iterator>

#include "analysis/engine.hpp"

namespace oidu {
namespace {

bool contains(const std::map<std::uint64_t, std::uint64_t>& ranges, std::uint64_t v) {
  if (ranges.empty() || std::prev(ranges.end())->second < v) return false;
  auto it = ranges.upper_bound(v);
  if (it == ranges.begin()) return false;
  --it;
  return v <= it->second;
}

void insert(std::map<std::uint64_t, std::uint64_t>& ranges, std::uint64_t v) {
  // A sender counts up: almost every PIV extends the highest range, found without a search.
  if (!ranges.empty()) {
    auto last = std::prev(ranges.end());
    if (last->second + 1 == v) {
      last->second = v;
      return;
    }
    if (last->second < v) {
      ranges.emplace_hint(ranges.end(), v, v);
      return;
    }
  }
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

void Engine::track_nonce(Observed& m, std::uint64_t key_digest, ByteView nonce_id, ByteView piv,
                         ByteView ciphertext) {
  // Keyed by the key (its digest), not the context: two contexts that happen to derive
  // the same key (e.g. both peers with one Sender ID) share one nonce space.
  const std::uint64_t table_key = fingerprint(nonce_id, key_digest ^ nonce_id.size());
  auto& cache = m.slot.recent_nonce_histories;
  auto cached = std::find_if(cache.begin(), cache.end(), [&](const auto& c) { return c.second && c.first == table_key; });
  if (cached == cache.end()) {
    // Histories are never erased and the table's nodes never move: the pointer stays good.
    cached = cache.begin() + static_cast<std::ptrdiff_t>(m.slot.next_nonce_history);
    *cached = {table_key, &nonces[table_key]};
    m.slot.next_nonce_history = (m.slot.next_nonce_history + 1) % cache.size();
  }
  PivHistory& h = *cached->second;
  const std::uint64_t v = piv_value(piv);
  const std::uint64_t d = fingerprint(ciphertext);
  if (contains(h.ranges, v)) {
    const bool same_message = std::any_of(h.recent.begin(), h.recent.end(), [&](const auto& r) {
      return r.first == v && r.second == d;
    });
    if (!same_message) {
      report(FindingCode::NonceReuse, m.frame.number, m.rec.procedure,
             "Partial IV " + std::to_string(v) + " of ID " + (nonce_id.empty() ? "''" : to_hex(nonce_id)) +
                 " protects a second, different message under the same key (" + m.slot.name + ")");
    }
  } else {
    insert(h.ranges, v);
  }
  h.recent[h.next] = {v, d};
  h.next = (h.next + 1) % h.recent.size();
}

}  // namespace oidu
