#include "wire/coap_peek.hpp"

#include "wire/option_registry.hpp"

namespace oidu {
namespace {

// An option delta or length nibble and its extension bytes (RFC 7252 3.1).
bool read_nibble(ByteView in, std::size_t& pos, unsigned nibble, unsigned& value) {
  if (nibble < 13) {
    value = nibble;
    return true;
  }
  if (nibble == 15) return false;
  const std::size_t ext_len = nibble == 13 ? 1 : 2;
  if (in.size() - pos < ext_len) return false;
  value = nibble == 13 ? 13u + in[pos] : 269u + (unsigned{in[pos]} << 8 | in[pos + 1]);
  pos += ext_len;
  return true;
}

}  // namespace

std::optional<CoapPeek> peek_coap(ByteView datagram) {
  if (datagram.size() < 4 || (datagram[0] >> 6) != 1) return std::nullopt;
  const std::size_t token_length = datagram[0] & 0x0f;
  if (token_length > 8 || datagram.size() - 4 < token_length) return std::nullopt;
  CoapPeek peek;
  peek.type = static_cast<CoapType>((datagram[0] >> 4) & 0x03);
  peek.code = datagram[1];
  peek.message_id = static_cast<std::uint16_t>(datagram[2] << 8 | datagram[3]);
  peek.token = datagram.subspan(4, token_length);
  std::size_t pos = 4 + token_length;
  unsigned number = 0;
  // Options come in ascending order, so the scan stops at the first one past OSCORE.
  while (pos < datagram.size() && number <= kOptOscore) {
    const std::uint8_t header = datagram[pos++];
    if (header == 0xFF) break;
    unsigned delta = 0;
    unsigned length = 0;
    if (!read_nibble(datagram, pos, header >> 4, delta) || !read_nibble(datagram, pos, header & 0x0f, length) ||
        datagram.size() - pos < length) {
      break;
    }
    number += delta;
    if (number == kOptOscore) {
      peek.oscore = datagram.subspan(pos, length);
      break;
    }
    pos += length;
  }
  return peek;
}

}  // namespace oidu
