// Key files and captures in: every key line checked, context names made independent of the
// path typed, and each capture opened or named on stderr with the reason it cannot be used.
#include "cli/inputs.hpp"

#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>

#include "cli/capture_problems.hpp"
#include "cli/key_conflicts.hpp"

namespace oidu {
namespace {

// Base names, unless two key files share one: then those keep the path typed, since
// two contexts called "keys:1" would be worse than a path in the name.
std::vector<std::string> stable_names(const std::vector<std::string>& paths) {
  std::vector<std::string> names;
  std::map<std::string, std::size_t> uses;
  for (const auto& path : paths) {
    names.push_back(std::filesystem::path(path).filename().string());
    if (names.back().empty()) names.back() = path;
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    for (std::size_t j = 0; j < paths.size(); ++j) {
      if (i != j && names[i] == names[j] && paths[i] != paths[j]) names[i] = paths[i];
    }
  }
  return names;
}

}  // namespace

std::optional<std::vector<KeyEntry>> load_keys(const std::vector<std::string>& paths) {
  std::vector<KeyEntry> keys;
  bool wrong = false;
  const auto names = stable_names(paths);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    KeyLoadResult loaded = load_key_file(path);
    for (const auto& e : loaded.errors) std::cerr << "oscore-idu: " << e << "\n";
    if (!loaded.errors.empty()) {
      wrong = true;
      continue;
    }
    for (auto& entry : loaded.entries) {
      // A name the reader made up is "<path>:<line>"; a JSON "name" is kept as written.
      if (entry.name.size() > path.size() && entry.name.compare(0, path.size(), path) == 0 &&
          entry.name[path.size()] == ':') {
        entry.name.replace(0, path.size(), names[i]);
      }
    }
    // The first file's entries are taken whole: 100,000 of them are tens of megabytes.
    if (keys.empty()) {
      keys = std::move(loaded.entries);
    } else {
      keys.insert(keys.end(), std::make_move_iterator(loaded.entries.begin()),
                  std::make_move_iterator(loaded.entries.end()));
    }
  }
  if (wrong) {
    std::cerr << "oscore-idu: nothing analysed: fix the key file lines above\n";
    return std::nullopt;
  }
  // A generated key file can conflict on every line; the first few say what is wrong.
  constexpr std::size_t kMaxConflictLines = 10;
  const auto conflicts = key_conflicts(keys);
  for (std::size_t i = 0; i < conflicts.size() && i < kMaxConflictLines; ++i) {
    std::cerr << "oscore-idu: warning: " << conflicts[i] << "\n";
  }
  if (conflicts.size() > kMaxConflictLines) {
    std::cerr << "oscore-idu: warning: ... and " << conflicts.size() - kMaxConflictLines
              << " more conflicting key entries\n";
  }
  return keys;
}

OpenedCaptures open_captures(const std::vector<std::string>& paths) {
  OpenedCaptures opened;
  for (const auto& path : paths) {
    if (auto problem = problem_before_open(path)) {
      std::cerr << "oscore-idu: " << *problem << "\n";
      ++opened.unusable;
      continue;
    }
    std::string error;
    auto reader = CaptureReader::open(path, &error);
    if (!reader) {
      std::cerr << "oscore-idu: " << describe_open_error(path, error) << "\n";
      ++opened.unusable;
      continue;
    }
    opened.readers.push_back(std::move(reader));
  }
  return opened;
}

std::string capture_label(const std::string& path) { return path == "-" ? "stdin" : path; }

}  // namespace oidu
