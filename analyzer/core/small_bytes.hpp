// Byte strings of a bounded usual size stored without allocating.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "core/bytes.hpp"

namespace oidu {

// A byte string kept inline up to N bytes and on the heap beyond: the sizes the RFCs
// allow cost no allocation, and whatever longer value the wire carries (a malformed or
// exotic message) is still kept whole, so it matches and decrypts as any other.
template <std::size_t N>
class SmallBytes {
 public:
  SmallBytes() = default;
  SmallBytes(const SmallBytes& other) { assign(other.view()); }
  SmallBytes(SmallBytes&& other) noexcept
      : inline_(other.inline_), size_(std::exchange(other.size_, 0)), heap_(std::move(other.heap_)) {}
  SmallBytes& operator=(const SmallBytes& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  SmallBytes& operator=(SmallBytes&& other) noexcept {
    inline_ = other.inline_;
    size_ = std::exchange(other.size_, 0);
    heap_ = std::move(other.heap_);
    return *this;
  }

  void assign(ByteView bytes) {
    if (bytes.size() <= N) {
      // memmove: `bytes` may be this very value.
      if (!bytes.empty()) std::memmove(inline_.data(), bytes.data(), bytes.size());
      heap_.reset();
    } else {
      auto copy = std::make_unique_for_overwrite<std::uint8_t[]>(bytes.size());
      std::memcpy(copy.get(), bytes.data(), bytes.size());
      heap_ = std::move(copy);
    }
    size_ = bytes.size();
  }
  ByteView view() const { return {heap_ ? heap_.get() : inline_.data(), size_}; }
  operator ByteView() const { return view(); }
  std::size_t size() const { return size_; }
  bool on_heap() const { return heap_ != nullptr; }

 private:
  std::array<std::uint8_t, N> inline_{};
  std::size_t size_ = 0;
  std::unique_ptr<std::uint8_t[]> heap_;  // set only when size_ > N
};

}  // namespace oidu
