// Key entries that cannot both be meant, found by the pair of Sender IDs (in either
// order: the engine decides which peer is the client) and the ID Context.
#include "cli/key_conflicts.hpp"

#include <algorithm>
#include <tuple>

namespace oidu {
namespace {

// The identity as views: (lower Sender ID, higher Sender ID, ID Context).
using Identity = std::tuple<ByteView, ByteView, std::optional<ByteView>>;

Identity identity_of(const KeyEntry& e) {
  const bool in_order = e.client_id <= e.server_id;
  const ByteView low = in_order ? e.client_id : e.server_id, high = in_order ? e.server_id : e.client_id;
  std::optional<ByteView> id_context;
  if (e.material.id_context) id_context = ByteView(*e.material.id_context);
  return {low, high, id_context};
}

bool same_identity(const KeyEntry& a, const KeyEntry& b) {
  const auto [a_low, a_high, a_context] = identity_of(a);
  const auto [b_low, b_high, b_context] = identity_of(b);
  return same_bytes(a_low, b_low) && same_bytes(a_high, b_high) && a_context.has_value() == b_context.has_value() &&
         (!a_context || same_bytes(*a_context, *b_context));
}

std::uint64_t identity_digest(const KeyEntry& e) {
  const auto [low, high, id_context] = identity_of(e);
  std::uint64_t d = fnv1a(low) * 31 + low.size();
  d = (d ^ fnv1a(high)) * 31 + high.size();
  return id_context ? (d ^ fnv1a(*id_context)) * 31 + id_context->size() + 1 : d;
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
  // Entries sorted by a digest of their identity, then compared within each run of equal
  // digests: a tree of identities copied out of 100,000 entries took longer than reading them.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_digest;
  by_digest.reserve(keys.size());
  for (std::uint32_t i = 0; i < keys.size(); ++i) by_digest.emplace_back(identity_digest(keys[i]), i);
  std::sort(by_digest.begin(), by_digest.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> conflicts;  // (entry, the first with its identity)
  for (std::size_t run = 0; run < by_digest.size();) {
    std::size_t end = run + 1;
    while (end < by_digest.size() && by_digest[end].first == by_digest[run].first) ++end;
    for (std::size_t i = run + 1; i < end; ++i) {
      const KeyEntry& e = keys[by_digest[i].second];
      for (std::size_t j = run; j < i; ++j) {
        if (same_identity(keys[by_digest[j].second], e)) {
          conflicts.emplace_back(by_digest[i].second, by_digest[j].second);
          break;
        }
      }
    }
    run = end;
  }
  std::sort(conflicts.begin(), conflicts.end());
  std::vector<std::string> messages;
  for (const auto& [later, first] : conflicts) {
    const KeyEntry& e = keys[later];
    const KeyEntry& earlier = keys[first];
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
