// The chunked store behind the associations and context slots: objects keep their
// address as the store grows through chunks of every size, each is found again by its
// index, and each is destroyed once with the store.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/stable_store.hpp"

namespace oidu {
namespace {

struct Counted {
  Counted(std::size_t v, int& destroyed_count)
      : value(v), text(std::to_string(v) + std::string(40, 'x')), destroyed(&destroyed_count) {}
  ~Counted() { ++*destroyed; }
  std::size_t value;
  std::string text;  // on the heap: a leak or double free shows under the sanitizers
  int* destroyed;
};

TEST(StableStore, AddressesSurviveGrowthAndIndicesFindEachObject) {
  constexpr std::size_t kCount = 100'000;  // past several chunk doublings, into huge-page chunks
  int destroyed = 0;
  {
    StableStore<Counted> store;
    std::vector<const Counted*> addresses;
    for (std::size_t i = 0; i < kCount; ++i) addresses.push_back(&store.emplace_back(i, destroyed));
    ASSERT_EQ(store.size(), kCount);
    for (std::size_t i = 0; i < kCount; ++i) {
      ASSERT_EQ(&store[i], addresses[i]) << "index " << i;
      ASSERT_EQ(store[i].value, i);
      ASSERT_EQ(store[i].text, std::to_string(i) + std::string(40, 'x'));
    }
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, static_cast<int>(kCount));
}

TEST(StableStore, EmptyStoreHoldsNothing) {
  StableStore<std::string> store;
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace oidu
