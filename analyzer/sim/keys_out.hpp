// The keys of a simulated capture, in the formats the analyzer and Wireshark read
// (keys/keys.hpp): the Wireshark key-table lines always, the native JSON when KUDOS no-FS
// needs the bootstrap material.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace oidu::sim {

struct KeyRecord {
  std::string name;
  Bytes client_id, server_id;  // Sender IDs of the client and of the server
  ContextMaterial material;
  std::optional<ContextMaterial> bootstrap;
};

// "dir/NAME.pcapng" -> "dir/NAME" (the stem the key files are named after).
std::string output_stem(const std::string& capture_path);

// Writes STEM.oscore_contexts and, if any record has bootstrap material, STEM.keys.json.
bool write_key_files(const std::string& stem, const std::vector<KeyRecord>& keys, std::string* error);

}  // namespace oidu::sim
