// Append-only storage for many small byte strings: one allocation per block instead of one
// per string, and what was stored never moves, so views into it stay valid until clear().
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/bytes.hpp"

namespace oidu_plugin {

class ByteArena {
 public:
  // A copy of `bytes`, kept until clear().
  const std::uint8_t* store(oidu::ByteView bytes);
  void clear();

 private:
  static constexpr std::size_t kBlockSize = std::size_t{1} << 20;
  std::vector<std::unique_ptr<std::uint8_t[]>> blocks_;
  std::size_t used_ = 0;      // of the last block
  std::size_t capacity_ = 0;  // of the last block
};

}  // namespace oidu_plugin
