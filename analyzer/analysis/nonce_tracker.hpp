// NONCE_REUSE: the same (key, AEAD nonce) protecting two different messages. The tracker
// owns every Partial IV history; each context slot caches the ones its messages used last.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "analysis/context_store.hpp"
#include "analysis/finding_reporter.hpp"
#include "core/bytes.hpp"

namespace oidu {

// One verified message's nonce: under which key (its digest) and nonce ID it used which
// Partial IV, and a digest of its ciphertext to tell a resent copy from a new message.
struct NonceUse {
  std::uint64_t frame = 0;
  std::optional<std::uint32_t> procedure;
  RecentPivHistories* recent = nullptr;  // of the ContextSlot that opened it
  const std::string* context_name = nullptr;
  std::uint64_t key_digest = 0;
  ByteView nonce_id, piv, ciphertext;
};

// The Partial IVs seen under one key with one nonce ID, as disjoint ranges: memory grows
// with the gaps in the sequence, not with the messages. A sender counts up, so almost
// every PIV is checked against and added to the highest range, which is kept inline:
// the map of the lower ones is not touched.
class PivRanges {
 public:
  bool contains(std::uint64_t v) const;
  void insert(std::uint64_t v);  // `v` is not contained yet
  std::size_t count() const { return lower_.size() + (any_ ? 1 : 0); }

 private:
  void insert_lower(std::uint64_t v);

  bool any_ = false;
  std::uint64_t top_first_ = 0, top_last_ = 0;     // the highest range
  std::map<std::uint64_t, std::uint64_t> lower_;   // first -> last, below top_first_ - 1
};

// Sliding record of Partial IVs used under one key with one nonce ID: the ranges seen,
// plus digests of the latest ones.
struct PivHistory {
  PivRanges ranges;
  std::array<std::pair<std::uint64_t, std::uint64_t>, 8> recent{};  // (piv, digest) ring
  std::size_t next = 0;
};

class NonceTracker {
 public:
  void observe(const NonceUse& use, FindingReporter& findings);
  // Group prefetch: the histories a context's cache names (the cache is in its slot).
  static void prefetch_histories(const RecentPivHistories& recent);

 private:
  PivHistory& history(RecentPivHistories& recent, std::uint64_t table_key);

  std::unordered_map<std::uint64_t, PivHistory> histories_;  // fingerprint(key, nonce id); never erased
};

}  // namespace oidu
