// What every subcommand reads before it runs: key files and capture files, each checked
// and reported on stderr the same way (unusable input is exit status 2).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture.hpp"
#include "keys/keys.hpp"

namespace oidu {

// Every entry of every key file, or nullopt when any line of any file is wrong (each
// problem is on stderr as "file:line: what is wrong"): a half-read key file would make
// the report say "no key" where the user gave one. Contexts without a name of their own
// are named after the file's base name ("k.oscore_contexts:3"), so the report does not
// depend on the path typed. Duplicate and conflicting contexts are warned about.
std::optional<std::vector<KeyEntry>> load_keys(const std::vector<std::string>& paths);

// The captures that could be opened, in the order given; each one that could not is
// named once on stderr and counted in `unusable`. "-" is standard input.
struct OpenedCaptures {
  std::vector<std::unique_ptr<CaptureReader>> readers;
  std::size_t unusable = 0;
};
OpenedCaptures open_captures(const std::vector<std::string>& paths);

// How a capture is named to people: its path, or "stdin" for "-".
std::string capture_label(const std::string& path);

}  // namespace oidu
