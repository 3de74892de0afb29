#include "keys/key_fields.hpp"


#include "core/crypto.hpp"

namespace oidu::keys_detail {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::vector<TextLine> split_lines(std::string_view text) {
  std::vector<TextLine> lines;
  std::size_t number = 1;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({number++, line});
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

bool is_blank_or_comment(std::string_view line) {
  const auto t = trim(line);
  return t.empty() || t.front() == '#';
}

static std::string accepted_aeads() {
  std::string list;
  for (const auto& a : all_aeads()) {
    if (!list.empty()) list += ", ";
    list += a.name;
    list += " (" + std::to_string(a.cose_id) + ")";
  }
  return list;
}

std::optional<int> parse_aead(std::string_view text, std::string* error) {
  const auto t = trim(text);
  if (const AeadInfo* info = aead_by_name(t)) return info->cose_id;
  if (error) {
    *error = "unknown AEAD algorithm \"" + std::string(t) + "\" (accepted: " + accepted_aeads() +
             ")";
  }
  return std::nullopt;
}

std::optional<HkdfHash> parse_hkdf(std::string_view text, std::string* error) {
  auto t = trim(text);
  // COSE names the HKDF algorithms -10 and -11 "direct+HKDF-SHA-256/512"; libcoap uses them.
  constexpr std::string_view direct = "direct+";
  if (t.size() > direct.size() && t.substr(0, direct.size()) == direct) t.remove_prefix(direct.size());
  if (auto h = hkdf_by_name(t)) return h;
  if (error) {
    *error = "unknown HKDF algorithm \"" + std::string(trim(text)) +
             "\" (accepted: HKDF-SHA-256 (-10), HKDF-SHA-512 (-11))";
  }
  return std::nullopt;
}

std::optional<Bytes> parse_hex_field(std::string_view text, std::string_view what,
                                     std::string* error) {
  const auto t = trim(text);
  if (auto b = from_hex(t)) return b;
  if (error) *error = std::string(what) + " \"" + std::string(t) + "\" is not a hex string";
  return std::nullopt;
}

std::vector<std::string> check_entry(const KeyEntry& e) {
  std::vector<std::string> problems;
  if (e.material.master_secret.empty()) problems.push_back("the Master Secret is empty");
  const AeadInfo* alg = aead_by_id(e.material.aead);
  if (alg == nullptr) {
    problems.push_back("unsupported AEAD algorithm " + std::to_string(e.material.aead));
    return problems;
  }
  // RFC 8613 3.3: an ID is at most nonce length - 6 bytes long.
  const std::size_t max_id = alg->nonce_len - 6;
  auto check_id = [&](const Bytes& id, const char* who) {
    if (id.size() > max_id) {
      problems.push_back(std::string(who) + " Sender ID is " + std::to_string(id.size()) +
                         " bytes long; " + alg->name + " allows at most " +
                         std::to_string(max_id));
    }
  };
  check_id(e.client_id, "the client's");
  check_id(e.server_id, "the server's");
  if (e.bootstrap_master_salt && !e.bootstrap_master_secret) {
    problems.push_back("a bootstrap Master Salt without a bootstrap Master Secret");
  }
  return problems;
}

std::string at_line(const std::string& origin, std::size_t line) {
  return origin + ":" + std::to_string(line);
}

}  // namespace oidu::keys_detail
