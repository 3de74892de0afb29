#include "string_pool.hpp"

namespace oidu_plugin {

StringPool::StringPool() { clear(); }

std::uint32_t StringPool::intern(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings_.size());
  const std::string& stored = strings_.emplace_back(s);
  ids_.emplace(std::string_view(stored), id);
  return id;
}

std::string_view StringPool::at(std::uint32_t id) const {
  return id < strings_.size() ? std::string_view(strings_[id]) : std::string_view();
}

void StringPool::clear() {
  ids_.clear();
  strings_.clear();
  intern("");
}

}  // namespace oidu_plugin
