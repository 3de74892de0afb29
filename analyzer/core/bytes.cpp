#include "core/bytes.hpp"

namespace oidu {

std::string to_hex(ByteView bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

namespace {

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Bytes> from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  Bytes out;
  out.reserve(text.size() / 2);
  int high = -1;  // pending high nibble
  for (char c : text) {
    if (c == ':' || c == ' ') {
      // A separator may not split a byte in two.
      if (high >= 0) return std::nullopt;
      continue;
    }
    int n = nibble(c);
    if (n < 0) return std::nullopt;
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | n));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

std::uint64_t pack_short(ByteView bytes) {
  std::uint64_t word = static_cast<std::uint64_t>(std::min<std::size_t>(bytes.size(), 0xff)) << 56;
  if (bytes.size() <= kPackedExactLength) {
    for (std::size_t i = 0; i < bytes.size(); ++i) word |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
    return word;
  }
  return word | (fnv1a(bytes) & 0x00ffffffffffffffULL);
}

std::uint64_t fnv1a(ByteView bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (auto b : bytes) h = (h ^ b) * 1099511628211ULL;
  return h;
}

}  // namespace oidu
