#include "byte_arena.hpp"

#include <algorithm>
#include <cstring>

namespace oidu_plugin {

const std::uint8_t* ByteArena::store(oidu::ByteView bytes) {
  if (blocks_.empty() || capacity_ - used_ < bytes.size()) {
    // A string longer than a block gets a block of its own size.
    capacity_ = std::max(kBlockSize, bytes.size());
    // Not zero-filled: pages the arena has not written yet cost no memory.
    blocks_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(capacity_));
    used_ = 0;
  }
  std::uint8_t* at = blocks_.back().get() + used_;
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  return at;
}

void ByteArena::clear() {
  blocks_.clear();
  used_ = 0;
  capacity_ = 0;
}

}  // namespace oidu_plugin
