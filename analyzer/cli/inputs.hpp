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

// nullopt when a key file yields no usable entry (the reasons are on stderr).
std::optional<std::vector<KeyEntry>> load_keys(const std::vector<std::string>& paths);
// Every capture opened before any output; nullopt when one cannot be read.
std::optional<std::vector<std::unique_ptr<CaptureReader>>> open_captures(const std::vector<std::string>& paths);

}  // namespace oidu
