// Wireshark's OSCORE key table ("oscore_contexts" UAT file). The lexer follows
// Wireshark's uat_load.l: fields are "quoted" (C-style escapes, \xNN, as uat_esc()
// writes them) or bare, separated by commas; '#' starts a comment line.
#include "keys/key_fields.hpp"

namespace oidu {
namespace {

using keys_detail::at_line;

constexpr std::size_t kFieldCount = 6;
constexpr const char* kFieldNames[kFieldCount] = {"Sender ID",   "Recipient ID", "Master Secret",
                                                  "Master Salt", "ID Context",   "Algorithm"};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// uat_unesc(): the escapes Wireshark understands inside a quoted field.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'e': out += '\033'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x':
        if (i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
          out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
          i += 2;
        } else {
          out += c;
        }
        break;
      default:
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          for (int n = 0; n < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++n) {
            value = value * 8 + (s[++i] - '0');
          }
          out += static_cast<char>(value > 255 ? 255 : value);
        } else {
          out += c;
        }
    }
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Splits one record into its fields; nullopt and `error` set when the line is malformed.
std::optional<std::vector<std::string>> split_fields(std::string_view line, std::string* error) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < line.size() && is_space(line[i])) ++i;
  };
  for (;;) {
    skip_space();
    if (i < line.size() && line[i] == '"') {
      const std::size_t start = ++i;
      // A quote preceded by a backslash does not close the field (uat_load.l).
      while (i < line.size() && line[i] != '"') i += (line[i] == '\\' && i + 1 < line.size()) ? 2 : 1;
      if (i >= line.size()) {
        *error = "field " + std::to_string(fields.size() + 1) + " has no closing quote";
        return std::nullopt;
      }
      fields.push_back(unescape(line.substr(start, i - start)));
      ++i;
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      fields.emplace_back(keys_detail::trim(line.substr(start, i - start)));
    }
    skip_space();
    if (i == line.size()) return fields;
    if (line[i] != ',') {
      *error = std::string("unexpected character '") + line[i] + "' after field " +
               std::to_string(fields.size());
      return std::nullopt;
    }
    ++i;
  }
}

std::optional<KeyEntry> parse_record(const std::vector<std::string>& f, std::string* error) {
  KeyEntry e;
  std::string why;
  auto hex = [&](std::size_t index) -> std::optional<Bytes> {
    return keys_detail::parse_hex_field(f[index], kFieldNames[index], &why);
  };
  auto client = hex(0), server = hex(1), secret = hex(2), salt = hex(3), id_context = hex(4);
  auto aead = keys_detail::parse_aead(f[5], &why);
  if (!client || !server || !secret || !salt || !id_context || !aead) {
    *error = why;
    return std::nullopt;
  }
  e.client_id = *client;
  e.server_id = *server;
  e.material.master_secret = *secret;
  e.material.master_salt = *salt;
  // The table has no way to say "empty ID Context": an empty field means none.
  if (!id_context->empty()) e.material.id_context = *id_context;
  e.material.aead = *aead;
  e.material.hkdf = HkdfHash::Sha256;  // the table has no HKDF column: RFC 8613's default
  return e;
}

}  // namespace

KeyLoadResult parse_wireshark_uat(std::string_view text, const std::string& origin) {
  KeyLoadResult result;
  result.format = KeyFileFormat::WiresharkUat;
  for (const auto& line : keys_detail::split_lines(text)) {
    if (keys_detail::is_blank_or_comment(line.text)) continue;
    const std::string where = at_line(origin, line.number);
    std::string error;
    auto fields = split_fields(line.text, &error);
    if (fields && fields->size() != kFieldCount) {
      error = "expected 6 fields (Sender ID, Recipient ID, Master Secret, Master Salt, "
              "ID Context, Algorithm), found " + std::to_string(fields->size());
      fields.reset();
    }
    std::optional<KeyEntry> entry;
    if (fields) entry = parse_record(*fields, &error);
    if (!entry) {
      result.errors.push_back(where + ": " + error);
      continue;
    }
    entry->name = where;
    entry->origin = where;
    const auto problems = keys_detail::check_entry(*entry);
    for (const auto& p : problems) result.errors.push_back(where + ": " + p);
    if (problems.empty()) result.entries.push_back(std::move(*entry));
  }
  return result;
}

}  // namespace oidu
