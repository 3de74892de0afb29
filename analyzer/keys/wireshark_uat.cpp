// Wireshark's OSCORE key table ("oscore_contexts" UAT file). The lexer follows
// Wireshark's uat_load.l: fields are "quoted" (C-style escapes, \xNN, as uat_esc()
// writes them) or bare, separated by commas; '#' starts a comment line.
#include <array>

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

// One record's fields, as views into the line or, for a quoted field with escapes, into
// `unescaped` (reused from line to line, so a key file of 100,000 lines does not allocate
// for each field).
struct Fields {
  std::vector<std::string_view> views;
  std::array<std::string, kFieldCount> unescaped;
};

// Splits one record into `f`; false and `error` set when the line is malformed.
bool split_fields(std::string_view line, Fields& f, std::string* error) {
  f.views.clear();
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < line.size() && is_space(line[i])) ++i;
  };
  for (;;) {
    skip_space();
    if (i < line.size() && line[i] == '"') {
      const std::size_t start = ++i;
      bool escaped = false;
      // A quote preceded by a backslash does not close the field (uat_load.l).
      while (i < line.size() && line[i] != '"') {
        escaped = escaped || line[i] == '\\';
        i += (line[i] == '\\' && i + 1 < line.size()) ? 2 : 1;
      }
      if (i >= line.size()) {
        *error = "field " + std::to_string(f.views.size() + 1) + " has no closing quote";
        return false;
      }
      const std::string_view raw = line.substr(start, i - start);
      // Beyond the sixth field only the count matters (the record is rejected).
      if (escaped && f.views.size() < kFieldCount) {
        std::string& out = f.unescaped[f.views.size()];
        out = unescape(raw);
        f.views.push_back(out);
      } else {
        f.views.push_back(raw);
      }
      ++i;
    } else {
      const std::size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      f.views.push_back(keys_detail::trim(line.substr(start, i - start)));
    }
    skip_space();
    if (i == line.size()) return true;
    if (line[i] != ',') {
      *error = std::string("unexpected character '") + line[i] + "' after field " +
               std::to_string(f.views.size());
      return false;
    }
    ++i;
  }
}

// The algorithm column is the same on nearly every line: its last text and value are
// kept, so that the name is looked up once.
struct AeadCache {
  std::string text;
  int aead = 0;
};

std::optional<KeyEntry> parse_record(const std::vector<std::string_view>& f, AeadCache& cache, std::string* error) {
  KeyEntry e;
  std::string why;
  auto hex = [&](std::size_t index) -> std::optional<Bytes> {
    return keys_detail::parse_hex_field(f[index], kFieldNames[index], &why);
  };
  auto client = hex(0), server = hex(1), secret = hex(2), salt = hex(3), id_context = hex(4);
  std::optional<int> aead;
  if (cache.aead != 0 && f[5] == cache.text) {
    aead = cache.aead;
  } else if ((aead = keys_detail::parse_aead(f[5], &why))) {
    cache = {std::string(f[5]), *aead};
  }
  if (!client || !server || !secret || !salt || !id_context || !aead) {
    *error = why;
    return std::nullopt;
  }
  e.client_id = std::move(*client);
  e.server_id = std::move(*server);
  e.material.master_secret = std::move(*secret);
  e.material.master_salt = std::move(*salt);
  // The table has no way to say "empty ID Context": an empty field means none.
  if (!id_context->empty()) e.material.id_context = std::move(*id_context);
  e.material.aead = *aead;
  e.material.hkdf = HkdfHash::Sha256;  // the table has no HKDF column: RFC 8613's default
  return e;
}

}  // namespace

KeyLoadResult parse_wireshark_uat(std::string_view text, const std::string& origin) {
  KeyLoadResult result;
  result.format = KeyFileFormat::WiresharkUat;
  const auto lines = keys_detail::split_lines(text);
  result.entries.reserve(lines.size());
  Fields fields;
  AeadCache aead;
  for (const auto& line : lines) {
    if (keys_detail::is_blank_or_comment(line.text)) continue;
    std::string where = at_line(origin, line.number);
    std::string error;
    bool ok = split_fields(line.text, fields, &error);
    if (ok && fields.views.size() != kFieldCount) {
      error = "expected 6 fields (Sender ID, Recipient ID, Master Secret, Master Salt, "
              "ID Context, Algorithm), found " + std::to_string(fields.views.size());
      ok = false;
    }
    std::optional<KeyEntry> entry;
    if (ok) entry = parse_record(fields.views, aead, &error);
    if (!entry) {
      result.errors.push_back(where + ": " + error);
      continue;
    }
    const auto problems = keys_detail::check_entry(*entry);
    for (const auto& p : problems) result.errors.push_back(where + ": " + p);
    if (!problems.empty()) continue;
    entry->name = where;
    entry->origin = std::move(where);
    result.entries.push_back(std::move(*entry));
  }
  return result;
}

}  // namespace oidu
