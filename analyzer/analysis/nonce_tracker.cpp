// NONCE_REUSE: PIVs seen are kept as ranges per (key, nonce ID), so memory follows the
// gaps in a sender's sequence, not the message count.
#include "analysis/nonce_tracker.hpp"

#include <algorithm>
#include <iterator>

#include "analysis/exchanges.hpp"
#include "wire/oscore_option.hpp"

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

PivHistory& NonceTracker::history(RecentPivHistories& cache, std::uint64_t table_key) {
  auto cached = std::find_if(cache.entries.begin(), cache.entries.end(),
                             [&](const auto& c) { return c.second && c.first == table_key; });
  if (cached == cache.entries.end()) {
    // Histories are never erased and the table's nodes never move: the pointer stays good.
    cached = cache.entries.begin() + static_cast<std::ptrdiff_t>(cache.next);
    *cached = {table_key, &histories_[table_key]};
    cache.next = (cache.next + 1) % cache.entries.size();
  }
  return *cached->second;
}

void NonceTracker::prefetch_histories(const RecentPivHistories& recent) {
  for (const auto& [key, history] : recent.entries) {
    if (history != nullptr) __builtin_prefetch(history);
  }
}

void NonceTracker::observe(const NonceUse& use, FindingReporter& findings) {
  // Keyed by the key (its digest), not the context: two contexts that happen to derive
  // the same key (e.g. both peers with one Sender ID) share one nonce space.
  const std::uint64_t table_key = fingerprint(use.nonce_id, use.key_digest ^ use.nonce_id.size());
  PivHistory& h = history(*use.recent, table_key);
  const std::uint64_t v = piv_value(use.piv);
  const std::uint64_t d = fingerprint(use.ciphertext);
  if (contains(h.ranges, v)) {
    const bool same_message = std::any_of(h.recent.begin(), h.recent.end(), [&](const auto& r) {
      return r.first == v && r.second == d;
    });
    if (!same_message) {
      findings.report(FindingCode::NonceReuse, use.frame, use.procedure,
                      "Partial IV " + std::to_string(v) + " of ID " +
                          (use.nonce_id.empty() ? "''" : to_hex(use.nonce_id)) +
                          " protects a second, different message under the same key (" +
                          *use.context_name + ")");
    }
  } else {
    insert(h.ranges, v);
  }
  h.recent[h.next] = {v, d};
  h.next = (h.next + 1) % h.recent.size();
}

}  // namespace oidu
