#include "core/huge_pages.hpp"

#include <cstdlib>

#include <sys/mman.h>

namespace oidu {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t rounded(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

}  // namespace

void* allocate_huge_aligned(std::size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes);
  void* p = std::aligned_alloc(kHugePage, rounded(bytes));
  if (p == nullptr) throw std::bad_alloc();
  // Only advice: without transparent huge pages the block works as any other.
  (void)madvise(p, rounded(bytes), MADV_HUGEPAGE);
  return p;
}

void free_huge_aligned(void* p, std::size_t bytes) {
  if (bytes < kHugePage) {
    ::operator delete(p);
  } else {
    std::free(p);
  }
}

}  // namespace oidu
