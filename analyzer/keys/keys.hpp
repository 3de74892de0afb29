// Key files: the format is detected from the content.
//  (a) Wireshark's OSCORE key table (`oscore_contexts` in a profile): one line per context,
//      "Sender ID","Recipient ID","Master Secret","Master Salt","ID Context","Algorithm",
//      Sender ID being the ID of the peer that sends the requests; '#' lines are comments.
//  (b) libcoap's oscore_conf: `name,type,value` lines (master_secret,hex,"..." ...).
//  (c) native JSON: {"contexts": [{"name", "client_sender_id", "server_sender_id",
//      "master_secret", "master_salt", "id_context", "aead", "hkdf",
//      "bootstrap_master_secret", "bootstrap_master_salt"}]}
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"

namespace oidu {

enum class KeyFileFormat { WiresharkUat, LibcoapConf, Json };
const char* key_file_format_name(KeyFileFormat f);  // "wireshark", "libcoap", "json"

struct KeyEntry {
  std::string name;           // given in JSON, else "<file>:<line>"
  Bytes client_id;            // Sender ID of the peer sending requests (may be empty)
  Bytes server_id;            // the other peer's Sender ID
  ContextMaterial material;
  // KUDOS no-FS mode (draft-14 4.5): CTX_BOOTSTRAP's secret and salt, if known.
  std::optional<Bytes> bootstrap_master_secret;
  std::optional<Bytes> bootstrap_master_salt;
  std::string origin;         // "<file>:<line>"
};

struct KeyLoadResult {
  std::optional<KeyFileFormat> format;  // nullopt when the content fits no format
  std::vector<KeyEntry> entries;
  std::vector<std::string> errors;      // each "<file>:<line>: <what is wrong>"
};

KeyLoadResult load_key_file(const std::string& path);
// From text already in memory; `origin` stands for the file name in messages.
KeyLoadResult parse_key_text(std::string_view text, const std::string& origin);
KeyLoadResult parse_wireshark_uat(std::string_view text, const std::string& origin);
KeyLoadResult parse_libcoap_conf(std::string_view text, const std::string& origin);
KeyLoadResult parse_key_json(std::string_view text, const std::string& origin);

// Wireshark's key-table algorithm name for an AEAD ("AES-CCM-16-64-128 (CCM*)").
std::string wireshark_alg_name(int aead);

}  // namespace oidu
