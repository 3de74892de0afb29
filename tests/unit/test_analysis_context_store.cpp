// The kid index: every context whose client or server Sender ID is the kid, newest
// first, whatever the number of contexts and however long the IDs.
#include <algorithm>

#include <gtest/gtest.h>

#include "analysis/context_store.hpp"

namespace oidu {
namespace {

ContextSlot slot_with(Bytes client_id, Bytes server_id) {
  ContextSlot s;
  s.client_id = std::move(client_id);
  s.server_id = std::move(server_id);
  return s;
}

std::vector<std::uint32_t> ids_for(const ContextStore& store, const Bytes& kid) {
  std::vector<ContextSlot*> found;
  store.by_kid(view(kid), found);
  std::vector<std::uint32_t> ids;
  for (const ContextSlot* s : found) ids.push_back(s->id);
  return ids;
}

Bytes two_bytes(std::size_t n) {
  return Bytes{static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

TEST(ContextStore, FindsEachOfThousandsOfContextsByEitherId) {
  ContextStore store;
  constexpr std::size_t kContexts = 5000;  // many times the table's first size
  for (std::size_t n = 0; n < kContexts; ++n) store.add(slot_with(two_bytes(n), Bytes{0xee, 0x01, 0x02, 0x03}));
  for (std::size_t n = 0; n < kContexts; ++n) {
    EXPECT_EQ(ids_for(store, two_bytes(n)), std::vector<std::uint32_t>{static_cast<std::uint32_t>(n + 1)}) << n;
  }
  // The shared server ID names them all, newest first.
  const auto all = ids_for(store, Bytes{0xee, 0x01, 0x02, 0x03});
  ASSERT_EQ(all.size(), kContexts);
  EXPECT_EQ(all.front(), kContexts);
  EXPECT_EQ(all.back(), 1u);
  EXPECT_TRUE(std::is_sorted(all.rbegin(), all.rend()));
  EXPECT_TRUE(ids_for(store, Bytes{0xee}).empty());
  EXPECT_TRUE(ids_for(store, two_bytes(kContexts)).empty());
}

TEST(ContextStore, EmptyIdIsAnIdLikeAnyOther) {
  ContextStore store;
  store.add(slot_with(Bytes{}, Bytes{0x01}));
  store.add(slot_with(Bytes{0x00}, Bytes{0x01}));
  EXPECT_EQ(ids_for(store, Bytes{}), std::vector<std::uint32_t>{1});
  EXPECT_EQ(ids_for(store, Bytes{0x00}), std::vector<std::uint32_t>{2});
  EXPECT_EQ(ids_for(store, Bytes{0x01}), (std::vector<std::uint32_t>{2, 1}));
}

TEST(ContextStore, LongIdsAreComparedWhole) {
  // Beyond seven bytes the index keys on a digest; the slots' IDs decide.
  const Bytes long_a{1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Bytes long_b{1, 2, 3, 4, 5, 6, 7, 8, 10};
  ContextStore store;
  store.add(slot_with(long_a, Bytes{0x01}));
  store.add(slot_with(long_b, Bytes{0x01}));
  EXPECT_EQ(ids_for(store, long_a), std::vector<std::uint32_t>{1});
  EXPECT_EQ(ids_for(store, long_b), std::vector<std::uint32_t>{2});
  EXPECT_TRUE(ids_for(store, Bytes{1, 2, 3, 4, 5, 6, 7, 8}).empty());
}

TEST(ContextStore, ContextWithTheSameIdOnBothSidesIsListedOnce) {
  ContextStore store;
  store.add(slot_with(Bytes{0x05}, Bytes{0x05}));
  EXPECT_EQ(ids_for(store, Bytes{0x05}), std::vector<std::uint32_t>{1});
}

}  // namespace
}  // namespace oidu
