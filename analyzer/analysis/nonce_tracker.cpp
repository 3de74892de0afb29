// NONCE_REUSE: PIVs seen are kept as ranges per (key, nonce ID), so memory follows the
// gaps in a sender's sequence, not the message count.
#include "analysis/nonce_tracker.hpp"

#include <algorithm>
#include <iterator>

#include "analysis/exchanges.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {
bool PivRanges::contains(std::uint64_t v) const {
  if (!any_ || v > top_last_) return false;
  if (v >= top_first_) return true;
  auto it = lower_.upper_bound(v);
  if (it == lower_.begin()) return false;
  --it;
  return v <= it->second;
}

void PivRanges::insert(std::uint64_t v) {
  if (!any_) {
    any_ = true;
    top_first_ = top_last_ = v;
  } else if (v > top_last_) {
    if (v == top_last_ + 1) {
      top_last_ = v;
      return;
    }
    lower_.emplace_hint(lower_.end(), top_first_, top_last_);
    top_first_ = top_last_ = v;
  } else if (v + 1 == top_first_) {
    top_first_ = v;
    // The gap below the highest range closed: the range under it joins.
    if (!lower_.empty() && std::prev(lower_.end())->second + 1 == v) {
      top_first_ = std::prev(lower_.end())->first;
      lower_.erase(std::prev(lower_.end()));
    }
  } else {
    insert_lower(v);
  }
}

// Below the highest range and not next to it: joins the ranges either side if adjacent.
void PivRanges::insert_lower(std::uint64_t v) {
  auto next = lower_.upper_bound(v);
  if (next != lower_.begin()) {
    auto prev = std::prev(next);
    if (prev->second + 1 == v) {
      prev->second = v;
      if (next != lower_.end() && next->first == v + 1) {
        prev->second = next->second;
        lower_.erase(next);
      }
      return;
    }
  }
  if (next != lower_.end() && next->first == v + 1) {
    const std::uint64_t last = next->second;
    lower_.erase(next);
    lower_.emplace(v, last);
    return;
  }
  lower_.emplace(v, v);
}

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
  if (h.ranges.contains(v)) {
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
    h.ranges.insert(v);
  }
  h.recent[h.next] = {v, d};
  h.next = (h.next + 1) % h.recent.size();
}

}  // namespace oidu
