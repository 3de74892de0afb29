#include "cli/inputs.hpp"

#include <iostream>

namespace oidu {

std::optional<std::vector<KeyEntry>> load_keys(const std::vector<std::string>& paths) {
  std::vector<KeyEntry> keys;
  for (const auto& path : paths) {
    KeyLoadResult loaded = load_key_file(path);
    for (const auto& e : loaded.errors) std::cerr << "oscore-idu: " << e << "\n";
    if (loaded.entries.empty()) {
      std::cerr << "oscore-idu: " << path << ": no usable key entries\n";
      return std::nullopt;
    }
    for (auto& entry : loaded.entries) keys.push_back(std::move(entry));
  }
  return keys;
}

std::optional<std::vector<std::unique_ptr<CaptureReader>>> open_captures(const std::vector<std::string>& paths) {
  std::vector<std::unique_ptr<CaptureReader>> readers;
  for (const auto& path : paths) {
    std::string error;
    auto reader = CaptureReader::open(path, &error);
    if (!reader) {
      std::cerr << "oscore-idu: " << error << "\n";
      return std::nullopt;
    }
    readers.push_back(std::move(reader));
  }
  return readers;
}

}  // namespace oidu
