// The HTML report's escaping: character references for markup characters, U+FFFD for
// bytes that are not text.
#include "cli/html_escape.hpp"

#include "wire/option_registry.hpp"

namespace oidu {

void append_html_escaped(std::string& out, std::string_view text) {
  const ByteView bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const std::uint8_t b = bytes[i];
    if (b >= 0x80) {
      if (const std::size_t n = utf8_sequence_length(bytes, i)) {
        out.append(text.substr(i, n));
        i += n;
      } else {
        out += "\xef\xbf\xbd";
        ++i;
      }
      continue;
    }
    switch (b) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out.push_back(static_cast<char>(b)); break;
      default:
        if (b < 0x20 || b == 0x7f) out += "\xef\xbf\xbd";
        else out.push_back(static_cast<char>(b));
    }
    ++i;
  }
}

std::string html_escaped(std::string_view text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

}  // namespace oidu
