// The Partial IV ranges of the nonce tracker against a plain set of every PIV: the same
// answers, and as few ranges as the set has runs of consecutive values, whatever order
// the PIVs come in (counting up, with gaps, late and filling gaps).
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "analysis/nonce_tracker.hpp"

namespace oidu {
namespace {

std::size_t runs(const std::set<std::uint64_t>& seen) {
  std::size_t n = 0;
  std::uint64_t last = 0;
  for (std::uint64_t v : seen) {
    if (n == 0 || v != last + 1) ++n;
    last = v;
  }
  return n;
}

void check_against_set(const std::vector<std::uint64_t>& pivs) {
  PivRanges ranges;
  std::set<std::uint64_t> seen;
  for (std::uint64_t v : pivs) {
    ASSERT_EQ(ranges.contains(v), seen.count(v) == 1) << "PIV " << v;
    if (!seen.insert(v).second) continue;
    ranges.insert(v);
    ASSERT_TRUE(ranges.contains(v));
    ASSERT_EQ(ranges.count(), runs(seen)) << "after PIV " << v;
  }
  for (std::uint64_t v = 0; v < 300; ++v) EXPECT_EQ(ranges.contains(v), seen.count(v) == 1) << "PIV " << v;
}

TEST(PivRanges, CountingUpIsOneRange) {
  std::vector<std::uint64_t> pivs;
  for (std::uint64_t v = 0; v < 200; ++v) pivs.push_back(v);
  check_against_set(pivs);
}

TEST(PivRanges, GapsFilledFromBelowAndAboveJoinTheRanges) {
  // 10..12, then 20..22 (the highest), then 14, 13 (joins 10..12), 19 (below the
  // highest), 15..18 (everything joins), a gap far below, and the start again.
  check_against_set({10, 11, 12, 20, 21, 22, 14, 13, 19, 15, 16, 17, 18, 2, 0, 1, 3, 4, 5, 6, 7, 8, 9, 23, 40});
}

TEST(PivRanges, RandomOrdersAgreeWithASet) {
  std::mt19937_64 rng(8613);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::uint64_t> pivs;
    std::uint64_t next = 0;
    for (int i = 0; i < 150; ++i) {
      // Mostly counting up, sometimes jumping ahead, late, or repeated.
      switch (rng() % 6) {
        case 0: next += rng() % 5; break;
        case 1: pivs.push_back(next > 10 ? next - 1 - rng() % 10 : 0); continue;
        case 2: if (!pivs.empty()) pivs.push_back(pivs[rng() % pivs.size()]); continue;
        default: break;
      }
      pivs.push_back(next++);
    }
    check_against_set(pivs);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace oidu
