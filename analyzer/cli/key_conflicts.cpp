// Key entries that cannot both be meant, found by the pair of Sender IDs (in either
// order: the engine decides which peer is the client) and the ID Context.
#include "cli/key_conflicts.hpp"

#include <map>
#include <tuple>

namespace oidu {
namespace {

using Identity = std::tuple<Bytes, Bytes, std::optional<Bytes>>;

Identity identity_of(const KeyEntry& e) {
  const bool in_order = e.client_id <= e.server_id;
  return {in_order ? e.client_id : e.server_id, in_order ? e.server_id : e.client_id, e.material.id_context};
}

// What differs between two entries of the same identity, for the message.
std::string differences(const KeyEntry& a, const KeyEntry& b) {
  std::vector<std::string> what;
  if (a.material.master_secret != b.material.master_secret) what.push_back("Master Secret");
  if (a.material.master_salt != b.material.master_salt) what.push_back("Master Salt");
  if (a.material.aead != b.material.aead) what.push_back("AEAD algorithm");
  if (a.material.hkdf != b.material.hkdf) what.push_back("HKDF algorithm");
  if (a.bootstrap_master_secret != b.bootstrap_master_secret ||
      a.bootstrap_master_salt != b.bootstrap_master_salt) {
    what.push_back("bootstrap material");
  }
  std::string text;
  for (std::size_t i = 0; i < what.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == what.size() ? " and " : ", ") + what[i];
  }
  return text;
}

std::string ids_text(const KeyEntry& e) {
  const auto show = [](const Bytes& id) { return id.empty() ? std::string("''") : to_hex(id); };
  std::string text = "Sender IDs " + show(e.client_id) + " and " + show(e.server_id);
  if (e.material.id_context) text += ", ID Context " + show(*e.material.id_context);
  return text;
}

}  // namespace

std::vector<std::string> key_conflicts(const std::vector<KeyEntry>& keys) {
  std::vector<std::string> messages;
  std::map<Identity, const KeyEntry*> first;
  for (const KeyEntry& e : keys) {
    const auto [it, fresh] = first.emplace(identity_of(e), &e);
    if (fresh) continue;
    const KeyEntry& earlier = *it->second;
    const std::string what = differences(earlier, e);
    if (what.empty()) {
      messages.push_back(e.origin + ": the same context as " + earlier.origin + " (" + ids_text(e) + ")");
    } else {
      messages.push_back(e.origin + ": " + ids_text(e) + " as on " + earlier.origin + ", but a different " + what +
                         "; messages with these IDs are tried with both");
    }
  }
  return messages;
}

}  // namespace oidu
