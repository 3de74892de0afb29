// Key files: reading, and telling the three formats apart by their content.
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/crypto.hpp"
#include "keys/key_fields.hpp"

namespace oidu {
namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// libcoap lines start with a bare keyword followed by a comma: "master_secret,hex,...".
bool looks_like_libcoap(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_identifier_char(line[i])) ++i;
  return i > 0 && i < line.size() && line[i] == ',';
}

// The format, from the first line that is neither blank nor a comment (read up to that
// line only: the parser splits the whole text).
std::optional<KeyFileFormat> detect(std::string_view text) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (keys_detail::is_blank_or_comment(line)) continue;
    const auto t = keys_detail::trim(line);
    if (t.front() == '{') return KeyFileFormat::Json;
    if (t.front() == '"') return KeyFileFormat::WiresharkUat;
    if (looks_like_libcoap(t)) return KeyFileFormat::LibcoapConf;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

const char* key_file_format_name(KeyFileFormat f) {
  switch (f) {
    case KeyFileFormat::WiresharkUat: return "wireshark";
    case KeyFileFormat::LibcoapConf: return "libcoap";
    case KeyFileFormat::Json: return "json";
  }
  return "unknown";
}

std::string wireshark_alg_name(int aead) {
  // Wireshark 4.0 decrypts only the mandatory algorithm and names it this way; for the
  // others the COSE name is the closest thing (our own reader accepts it).
  if (aead == 10) return "AES-CCM-16-64-128 (CCM*)";
  if (const AeadInfo* info = aead_by_id(aead)) return info->name;
  return std::to_string(aead);
}

KeyLoadResult parse_key_text(std::string_view text, const std::string& origin) {
  KeyLoadResult result;
  const auto format = detect(text);
  if (!format) {
    std::optional<std::size_t> first;
    for (const auto& l : keys_detail::split_lines(text)) {
      if (!keys_detail::is_blank_or_comment(l.text)) {
        first = l.number;
        break;
      }
    }
    if (!first) {
      result.errors.push_back(origin + ": no OSCORE contexts in the file");
    } else {
      result.errors.push_back(
          keys_detail::at_line(origin, *first) +
          ": not a key file: expected a JSON object ('{'), Wireshark oscore_contexts lines "
          "(\"Sender ID\",\"Recipient ID\",...) or libcoap oscore_conf lines "
          "(keyword,encoding,value)");
    }
    return result;
  }
  switch (*format) {
    case KeyFileFormat::WiresharkUat: result = parse_wireshark_uat(text, origin); break;
    case KeyFileFormat::LibcoapConf: result = parse_libcoap_conf(text, origin); break;
    case KeyFileFormat::Json: result = parse_key_json(text, origin); break;
  }
  if (result.entries.empty() && result.errors.empty()) {
    result.errors.push_back(origin + ": no OSCORE contexts in the file");
  }
  return result;
}

KeyLoadResult load_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    KeyLoadResult result;
    result.errors.push_back(path + ": cannot open: " + std::strerror(errno));
    return result;
  }
  // Read in blocks rather than by size: a key file may be a pipe (--keys <(...)).
  std::string text;
  std::array<char, 1 << 16> block;
  while (in.read(block.data(), block.size()) || in.gcount() > 0) {
    text.append(block.data(), static_cast<std::size_t>(in.gcount()));
  }
  return parse_key_text(text, path);
}

}  // namespace oidu
