// Every frame's messages as the engine reported them on the first pass, packed (see
// message_codec.hpp): about 12 bytes of index plus the packed record per message.
#pragma once
#include <cstdint>
#include <vector>

#include "analysis/records.hpp"
#include "byte_arena.hpp"
#include "message_codec.hpp"
#include "string_pool.hpp"

namespace oidu_plugin {

class MessageStore {
 public:
  void add(const oidu::MessageRecord& m);
  // The messages of `frame` in the order they were added; views valid until clear().
  std::vector<StoredMessage> messages(std::uint64_t frame) const;
  void clear();

 private:
  // Parallel arrays sorted by frame (the engine reports in frame order, so adding appends):
  // no padding between a 32-bit frame number and a pointer.
  std::vector<std::uint32_t> frames_;
  std::vector<const std::uint8_t*> records_;
  ByteArena arena_;
  StringPool strings_;
  oidu::Bytes scratch_;  // the record being packed, reused
};

}  // namespace oidu_plugin
