#include "message_store.hpp"

#include <algorithm>
#include <iterator>

namespace oidu_plugin {

void MessageStore::add(const oidu::MessageRecord& m) {
  scratch_.clear();
  pack_message(m, strings_, scratch_);
  // Wireshark numbers frames with 32 bits, and the engine is fed Wireshark's numbers.
  const auto frame = static_cast<std::uint32_t>(m.frame);
  const auto at = std::upper_bound(frames_.begin(), frames_.end(), frame);
  const auto index = std::distance(frames_.begin(), at);
  frames_.insert(at, frame);
  records_.insert(records_.begin() + index, arena_.store(oidu::view(scratch_)));
}

std::vector<StoredMessage> MessageStore::messages(std::uint64_t frame) const {
  std::vector<StoredMessage> out;
  const auto [first, last] = std::equal_range(frames_.begin(), frames_.end(), frame);
  for (auto it = first; it != last; ++it) {
    out.push_back(unpack_message(records_[static_cast<std::size_t>(it - frames_.begin())], strings_));
  }
  return out;
}

void MessageStore::clear() {
  // Swapped with empty ones: clear() alone would keep the capacity of a large file.
  std::vector<std::uint32_t>().swap(frames_);
  std::vector<const std::uint8_t*>().swap(records_);
  oidu::Bytes().swap(scratch_);
  arena_.clear();
  strings_.clear();
}

}  // namespace oidu_plugin
