// Objects that never move once added (others keep pointers to them), stored in chunks
// that double in size. std::deque gives the same stability but, for objects of hundreds
// of bytes, one allocation per object: a key file of 100,000 contexts made 100,000 of
// each and paid a page fault every few. Here a store of n objects makes about log2(n)
// allocations, and its chunks of 2 MiB and more take transparent huge pages
// (huge_pages.hpp), so filling one costs a fault per 2 MiB, not per 4 KiB.
#pragma once
#include <bit>
#include <cstddef>
#include <new>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"

namespace oidu {

template <typename T>
class StableStore {
 public:
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "chunks are aligned as operator new");
  StableStore() = default;
  StableStore(const StableStore&) = delete;
  StableStore& operator=(const StableStore&) = delete;
  ~StableStore() {
    for (std::size_t i = 0; i < size_; ++i) (*this)[i].~T();
    for (std::size_t k = 0; k < chunks_.size(); ++k) free_huge_aligned(chunks_[k], chunk_bytes(k));
  }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    const auto [k, offset] = locate(size_);
    if (k == chunks_.size()) chunks_.push_back(allocate_huge_aligned(chunk_bytes(k)));
    T* object = ::new (static_cast<std::byte*>(chunks_[k]) + offset * sizeof(T))
        T(std::forward<Args>(args)...);
    ++size_;
    return *object;
  }

  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return *at(i); }
  const T& operator[](std::size_t i) const { return *at(i); }

 private:
  // Chunk k holds kFirst << k objects, so it starts at index kFirst * (2^k - 1).
  static constexpr std::size_t kFirst = 16;
  static std::size_t chunk_bytes(std::size_t k) { return (kFirst << k) * sizeof(T); }
  static std::pair<std::size_t, std::size_t> locate(std::size_t i) {
    const std::size_t k = std::bit_width(i / kFirst + 1) - 1;
    return {k, i - kFirst * ((std::size_t{1} << k) - 1)};
  }
  T* at(std::size_t i) const {
    const auto [k, offset] = locate(i);
    return std::launder(reinterpret_cast<T*>(static_cast<std::byte*>(chunks_[k]) + offset * sizeof(T)));
  }

  // Raw storage: an object is constructed only when added, so a chunk's unused tail
  // costs no memory until it is reached.
  std::vector<void*> chunks_;
  std::size_t size_ = 0;
};

}  // namespace oidu
