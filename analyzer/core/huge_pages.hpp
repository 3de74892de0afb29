// An allocator for large tables probed at random (the duplicate filter's): blocks of
// 2 MiB and more are aligned to huge pages and offered to the kernel's transparent huge
// pages (madvise mode, Debian's default). One TLB entry then covers 2 MiB instead of
// 4 KiB, and a probe into tens of megabytes stops costing a page walk besides its
// cache miss. Smaller blocks come from operator new as usual.
#pragma once
#include <cstddef>
#include <new>

namespace oidu {

void* allocate_huge_aligned(std::size_t bytes);   // throws std::bad_alloc
void free_huge_aligned(void* p, std::size_t bytes);

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_huge_aligned(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { free_huge_aligned(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

}  // namespace oidu
