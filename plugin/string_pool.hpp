// Interned strings: the few distinct context names, origins, roles and peer states that
// millions of frames repeat are kept once and named by a small number.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace oidu_plugin {

class StringPool {
 public:
  StringPool();
  // The number of `s`; 0 is the empty string.
  std::uint32_t intern(std::string_view s);
  // Valid until clear(); an unknown number gives "".
  std::string_view at(std::uint32_t id) const;
  void clear();

 private:
  std::deque<std::string> strings_;  // a deque: growing it does not move the strings
  std::unordered_map<std::string_view, std::uint32_t> ids_;  // views into strings_
};

}  // namespace oidu_plugin
