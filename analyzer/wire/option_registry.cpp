#include "wire/option_registry.hpp"

#include <algorithm>
#include <array>

namespace oidu {

namespace {

using F = OptionFormat;
using C = OscoreClass;

// IANA "CoAP Option Numbers", in ascending order. Classes from RFC 8613 4.1 (figure 5)
// and, for options defined later, from their own documents: Hop-Limit (RFC 8768 3) and
// EDHOC (RFC 9668 3.1) are Outer only; Echo and Request-Tag (RFC 9175 2.2.1, 3.2.1) and
// the OCF options, for which OSCORE processing is not defined, fall to class E; Q-Block1/2
// follow Block1/2 (RFC 9177 4). Recipient-ID and Recipient-ID-Ack are class E
// (draft-ietf-core-oscore-id-update).
constexpr std::array<OptionInfo, 31> kOptions{{
    {1, "If-Match", F::Opaque, C::E},
    {3, "Uri-Host", F::String, C::U},
    {4, "ETag", F::Opaque, C::E},
    {5, "If-None-Match", F::Empty, C::E},
    {6, "Observe", F::Uint, C::EU},
    {7, "Uri-Port", F::Uint, C::U},
    {8, "Location-Path", F::String, C::E},
    {9, "OSCORE", F::Opaque, C::U},
    {11, "Uri-Path", F::String, C::E},
    {12, "Content-Format", F::Uint, C::E},
    {14, "Max-Age", F::Uint, C::EU},
    {15, "Uri-Query", F::String, C::E},
    {16, "Hop-Limit", F::Uint, C::U},
    {17, "Accept", F::Uint, C::E},
    {19, "Q-Block1", F::Uint, C::EU},
    {20, "Location-Query", F::String, C::E},
    {21, "EDHOC", F::Empty, C::U},
    {23, "Block2", F::Uint, C::EU},
    {24, "Recipient-ID", F::Opaque, C::E},
    {27, "Block1", F::Uint, C::EU},
    {28, "Size2", F::Uint, C::EU},
    {31, "Q-Block2", F::Uint, C::EU},
    {32, "Recipient-ID-Ack", F::Opaque, C::E},
    {35, "Proxy-Uri", F::String, C::U},
    {39, "Proxy-Scheme", F::String, C::U},
    {60, "Size1", F::Uint, C::EU},
    {252, "Echo", F::Opaque, C::E},
    {258, "No-Response", F::Uint, C::EU},
    {292, "Request-Tag", F::Opaque, C::E},
    {2049, "OCF-Accept-Content-Format-Version", F::Uint, C::E},
    {2053, "OCF-Content-Format-Version", F::Uint, C::E},
}};

static_assert(std::is_sorted(kOptions.begin(), kOptions.end(),
                             [](const OptionInfo& a, const OptionInfo& b) { return a.number < b.number; }));



}  // namespace

std::size_t utf8_sequence_length(ByteView value, std::size_t i) {
  const std::uint8_t lead = value[i];
  std::size_t length = 0;
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // no overlong forms
    if (lead == 0xed) high = 0x9f;  // no surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (value.size() - i < length) return 0;
  if (value[i + 1] < low || value[i + 1] > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (value[i + k] < 0x80 || value[i + k] > 0xbf) return 0;
  }
  return length;
}

const OptionInfo* option_info(std::uint16_t number) {
  const auto it = std::lower_bound(kOptions.begin(), kOptions.end(), number,
                                   [](const OptionInfo& o, std::uint16_t n) { return o.number < n; });
  return it != kOptions.end() && it->number == number ? &*it : nullptr;
}

std::string option_name(std::uint16_t number) {
  const OptionInfo* info = option_info(number);
  return info ? info->name : "Unknown-" + std::to_string(number);
}

std::string option_value_text(std::uint16_t number, ByteView value) {
  const OptionInfo* info = option_info(number);
  const OptionFormat format = info ? info->format : OptionFormat::Opaque;
  switch (format) {
    case OptionFormat::String:
      {
      std::string text;
      append_escaped_text(text, value);
      return text;
    }
    case OptionFormat::Uint:
      // Uints are at most 4 bytes on the wire (RFC 7252 3.2); longer ones stay visible as hex.
      if (value.size() <= 8) {
        std::uint64_t v = 0;
        for (std::uint8_t b : value) v = v << 8 | b;
        return std::to_string(v);
      }
      return to_hex(value);
    case OptionFormat::Empty:
    case OptionFormat::Opaque:
      break;
  }
  return to_hex(value);
}

// UTF-8 text as is; control characters, backslashes and bytes that are not UTF-8 escaped,
// so that a value can never inject line breaks or terminal sequences into output.
void append_escaped_text(std::string& out, ByteView value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < value.size();) {
    const std::uint8_t b = value[i];
    if (b >= 0x20 && b < 0x7f) {
      if (b == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    if (const std::size_t n = b >= 0x80 ? utf8_sequence_length(value, i) : 0) {
      out.append(reinterpret_cast<const char*>(value.data() + i), n);
      i += n;
      continue;
    }
    out += "\\x";
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
    ++i;
  }
}

}  // namespace oidu
