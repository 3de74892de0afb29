#include "cli/text_layout.hpp"

#include <cstdlib>

#include <unistd.h>

namespace oidu {
namespace {

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

// Where the code point after `columns` columns starts.
std::size_t byte_at_column(std::string_view text, std::size_t columns) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (continuation_byte(text[i])) continue;
    if (seen == columns) return i;
    ++seen;
  }
  return text.size();
}

std::string_view ansi_colour(std::string_view word) {
  if (word == "error" || word == "failure" || word == "disagreement") return "\x1b[31m";
  if (word == "warning" || word == "aborted") return "\x1b[33m";
  if (word == "info") return "\x1b[36m";
  if (word == "success") return "\x1b[32m";
  return {};
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {  // a colour code: ESC [ ... m
      while (i < text.size() && text[i] != 'm') ++i;
      continue;
    }
    if (!continuation_byte(text[i])) ++width;
  }
  return width;
}

std::string shorten(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out(text.substr(0, byte_at_column(text, width - 1)));
  out += kEllipsis;
  return out;
}

std::string shorten_middle(std::string_view text, std::size_t width) {
  const std::size_t have = display_width(text);
  if (have <= width) return std::string(text);
  if (width < 3) return shorten(text, width);
  const std::size_t tail = (width - 1) / 2;
  const std::size_t head = width - 1 - tail;
  std::string out(text.substr(0, byte_at_column(text, head)));
  out += kEllipsis;
  out += text.substr(byte_at_column(text, have - tail));
  return out;
}

std::string wrap(std::string_view text, std::size_t width, std::size_t indent) {
  std::string out;
  std::size_t line = 0;  // columns on the current line
  bool fresh = true;     // nothing on the current line yet (but its indent)
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(at, end - at);
    at = end + 1;
    std::size_t w = display_width(word);
    if (!fresh && line + 1 + w > width) {
      out += '\n';
      out.append(indent, ' ');
      line = indent;
      fresh = true;
    }
    if (!fresh) {
      out += ' ';
      ++line;
    }
    const std::size_t left = width > line ? width - line : 1;
    if (w > left) {
      out += shorten(word, left);
      w = left;
    } else {
      out += word;
    }
    line += w;
    fresh = false;
  }
  return out;
}

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
  std::string out = std::to_string(n) + " ";
  if (n == 1) out += singular;
  else if (!plural.empty()) out += plural;
  else (out += singular) += 's';
  return out;
}

bool colour_wanted(std::string_view choice) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");  // https://no-color.org: set and not empty
  if (no_colour && *no_colour) return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::string coloured(std::string_view text, bool colour, std::size_t pad) {
  std::string out(text);
  const std::size_t width = display_width(text);
  const std::string padding(pad > width ? pad - width : 0, ' ');
  const std::string_view code = colour ? ansi_colour(text) : std::string_view{};
  if (code.empty()) return out + padding;
  return std::string(code) + out + "\x1b[0m" + padding;
}

}  // namespace oidu
