// Per-association (or per-context) state of a tracker, found by the association's id.
// Only the ids that ever sent a message get a state: a key file of 100,000 contexts of
// which a few talk costs four bytes of index for each of the rest, not a state each.
#pragma once
#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

namespace oidu {

template <typename T>
class SparseTable {
 public:
  // The state of `id`, made on first use (references stay valid: a deque never moves).
  T& of(std::uint32_t id) {
    if (id >= index_.size()) index_.resize(std::max<std::size_t>(id + 1, 2 * index_.size()), 0);
    std::uint32_t& position = index_[id];
    if (position == 0) {
      values_.emplace_back();
      position = static_cast<std::uint32_t>(values_.size());
    }
    return values_[position - 1];
  }
  T* find(std::uint32_t id) {
    const std::uint32_t position = id < index_.size() ? index_[id] : 0;
    return position == 0 ? nullptr : &values_[position - 1];
  }
  const T* find(std::uint32_t id) const { return const_cast<SparseTable*>(this)->find(id); }

  // Starts loading every cache line of the state of `id`, if it has one (group prefetch).
  void prefetch(std::uint32_t id) const {
    const T* value = find(id);
    if (value == nullptr) return;
    const auto* bytes = reinterpret_cast<const char*>(value);
    for (std::size_t offset = 0; offset < sizeof(T); offset += 64) __builtin_prefetch(bytes + offset);
  }

 private:
  std::vector<std::uint32_t> index_;  // id -> 1 + position in values_, 0: none
  std::deque<T> values_;
};

}  // namespace oidu
