#include "wire/oscore_option.hpp"

#include <cstdio>
#include <stdexcept>

namespace oidu {

namespace {

constexpr std::uint8_t kExt1 = 0x80;
constexpr std::uint8_t kReservedByte0 = 0x60;
constexpr std::uint8_t kH = 0x10;
constexpr std::uint8_t kK = 0x08;
constexpr std::uint8_t kN = 0x07;
constexpr std::uint8_t kD = 0x01;
constexpr std::uint8_t kReservedX = 0x80;

std::string bit_text(std::uint8_t bit) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", unsigned{bit});
  return text;
}

// The highest set bit of `bits` (which is non-zero).
std::uint8_t highest_bit(std::uint8_t bits) {
  std::uint8_t bit = 0x80;
  while (!(bits & bit)) bit = static_cast<std::uint8_t>(bit >> 1);
  return bit;
}

// Sequential reader over the option value; every take checks the remaining length.
class Cursor {
 public:
  explicit Cursor(ByteView value) : value_(value) {}
  std::size_t left() const { return value_.size() - pos_; }
  std::size_t pos() const { return pos_; }
  std::optional<ByteView> take(std::size_t n) {
    if (left() < n) return std::nullopt;
    ByteView v = value_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  std::optional<std::uint8_t> byte() {
    auto v = take(1);
    return v ? std::optional<std::uint8_t>((*v)[0]) : std::nullopt;
  }
  ByteView rest() {
    ByteView v = value_.subspan(pos_);
    pos_ = value_.size();
    return v;
  }

 private:
  ByteView value_;
  std::size_t pos_ = 0;
};

std::optional<OscoreOption> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

std::string runs_past(const char* field, std::size_t length, const Cursor& c) {
  return std::string(field) + " of " + std::to_string(length) + " bytes at byte " +
         std::to_string(c.pos()) + " runs past the option value (" + std::to_string(c.left()) +
         " bytes left)";
}

}  // namespace

std::optional<OscoreOption> parse_oscore_option(ByteView value, std::string* error) {
  OscoreOption o;
  // RFC 8613 6.1: all flag bits zero is sent as the empty value.
  if (value.empty()) return o;
  Cursor c(value);
  const std::uint8_t flags = *c.byte();
  if (flags & kReservedByte0) {
    return fail(error, "reserved flag bit " + bit_text(highest_bit(flags & kReservedByte0)) +
                           " set in byte 0");
  }
  const unsigned n = flags & kN;
  if (n > 5) return fail(error, "Partial IV length " + std::to_string(n) + " is reserved");
  o.extension1 = (flags & kExt1) != 0;
  if (o.extension1) {
    const auto flags2 = c.byte();
    if (!flags2) return fail(error, "Extension-1 flag set but the second flag byte is missing");
    o.flags2 = *flags2;
    // Bit 0x80 here is Extension-2 of draft-ietf-core-oscore-key-update-14, which no
    // flag is defined for yet, so a third flag byte cannot be interpreted either.
    if (const std::uint8_t reserved = o.flags2 & static_cast<std::uint8_t>(~kD)) {
      return fail(error, "reserved flag bit " + bit_text(highest_bit(reserved)) +
                             " set in the second flag byte");
    }
    o.kudos = (o.flags2 & kD) != 0;
  }
  const auto piv = c.take(n);
  if (!piv) return fail(error, runs_past("Partial IV", n, c));
  o.partial_iv = *piv;
  if (flags & kH) {
    const auto s = c.byte();
    if (!s) return fail(error, "kid context length byte missing (h flag set)");
    const auto context = c.take(*s);
    if (!context) return fail(error, runs_past("kid context", *s, c));
    o.kid_context = *context;
  }
  if (o.kudos) {
    const auto x = c.byte();
    if (!x) return fail(error, "x byte missing (d flag set)");
    o.x = *x;
    if (o.x & kReservedX) return fail(error, "reserved bit 0x80 set in x");
    const auto nonce = c.take(o.m() + 1);
    if (!nonce) return fail(error, runs_past("nonce", o.m() + 1, c));
    o.nonce = *nonce;
  }
  if (flags & kK) {
    o.kid = c.rest();
  } else if (c.left() > 0) {
    return fail(error, std::to_string(c.left()) + " bytes after the last field at byte " +
                           std::to_string(c.pos()) + " (k flag clear)");
  }
  return o;
}

Bytes encode_oscore_option(const OscoreOptionFields& fields) {
  if (fields.partial_iv.size() > 5) throw std::length_error("Partial IV longer than 5 bytes");
  if (fields.kid_context && fields.kid_context->size() > 255) {
    throw std::length_error("kid context longer than 255 bytes");
  }
  const auto flags = static_cast<std::uint8_t>(
      (fields.kudos ? kExt1 : 0) | (fields.kid_context ? kH : 0) | (fields.kid ? kK : 0) |
      fields.partial_iv.size());
  Bytes out;
  if (flags == 0) return out;
  out.push_back(flags);
  if (fields.kudos) out.push_back(kD);
  out.insert(out.end(), fields.partial_iv.begin(), fields.partial_iv.end());
  if (fields.kid_context) {
    out.push_back(static_cast<std::uint8_t>(fields.kid_context->size()));
    out.insert(out.end(), fields.kid_context->begin(), fields.kid_context->end());
  }
  if (fields.kudos) {
    // x and the nonce go out as given, so that tests can also build inconsistent values.
    out.push_back(fields.x);
    out.insert(out.end(), fields.nonce.begin(), fields.nonce.end());
  }
  if (fields.kid) out.insert(out.end(), fields.kid->begin(), fields.kid->end());
  return out;
}

std::uint64_t piv_value(ByteView piv) {
  std::uint64_t v = 0;
  for (auto b : piv) v = (v << 8) | b;
  return v;
}

}  // namespace oidu
