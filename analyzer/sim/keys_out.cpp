#include "sim/keys_out.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "keys/keys.hpp"

namespace oidu::sim {

std::string output_stem(const std::string& capture_path) {
  const auto slash = capture_path.find_last_of('/');
  const auto dot = capture_path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return capture_path;
  return capture_path.substr(0, dot);
}

namespace {

bool write_text(const std::string& path, const std::string& text, std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    if (error) *error = path + ": cannot write";
    return false;
  }
  return true;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

bool write_key_files(const std::string& stem, const std::vector<KeyRecord>& keys, std::string* error) {
  std::string uat;
  bool need_json = false;
  for (const auto& k : keys) {
    const auto& m = k.material;
    uat += quoted(to_hex(k.client_id)) + "," + quoted(to_hex(k.server_id)) + "," + quoted(to_hex(m.master_secret)) +
           "," + quoted(to_hex(m.master_salt)) + "," + quoted(m.id_context ? to_hex(*m.id_context) : "") + "," +
           quoted(wireshark_alg_name(m.aead)) + "\n";
    need_json = need_json || k.bootstrap.has_value();
  }
  if (!write_text(stem + ".oscore_contexts", uat, error)) return false;
  if (!need_json) return true;

  nlohmann::ordered_json contexts = nlohmann::ordered_json::array();
  for (const auto& k : keys) {
    const auto& m = k.material;
    nlohmann::ordered_json c;
    c["name"] = k.name;
    c["client_sender_id"] = to_hex(k.client_id);
    c["server_sender_id"] = to_hex(k.server_id);
    c["master_secret"] = to_hex(m.master_secret);
    c["master_salt"] = to_hex(m.master_salt);
    c["id_context"] = m.id_context ? nlohmann::ordered_json(to_hex(*m.id_context)) : nlohmann::ordered_json(nullptr);
    c["aead"] = m.aead;
    c["hkdf"] = hkdf_name(m.hkdf);
    if (k.bootstrap) {
      c["bootstrap_master_secret"] = to_hex(k.bootstrap->master_secret);
      c["bootstrap_master_salt"] = to_hex(k.bootstrap->master_salt);
    }
    contexts.push_back(c);
  }
  nlohmann::ordered_json doc;
  doc["contexts"] = contexts;
  return write_text(stem + ".keys.json", doc.dump(2) + "\n", error);
}

}  // namespace oidu::sim
