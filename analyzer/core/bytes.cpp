#include "core/bytes.hpp"

#include <array>

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

// Each character's value as a hex digit, -1 for any other: a key file of 100,000
// contexts has half a million hex fields.
constexpr std::array<std::int8_t, 256> kNibbles = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<std::int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    t['a' + c] = static_cast<std::int8_t>(10 + c);
    t['A' + c] = static_cast<std::int8_t>(10 + c);
  }
  return t;
}();

int nibble(char c) { return kNibbles[static_cast<unsigned char>(c)]; }

}  // namespace

std::optional<Bytes> from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  Bytes out(text.size() / 2);
  std::size_t n = 0;
  int high = -1;  // pending high nibble
  for (char c : text) {
    if (c == ':' || c == ' ') {
      // A separator may not split a byte in two.
      if (high >= 0) return std::nullopt;
      continue;
    }
    const int v = nibble(c);
    if (v < 0) return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      out[n++] = static_cast<std::uint8_t>((high << 4) | v);
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  out.resize(n);  // shorter only when separators took room
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
