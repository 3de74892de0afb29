#include "capture/udp_rewrite.hpp"

#include "capture/checksum.hpp"

namespace oidu {
namespace {

constexpr std::size_t kUdpHeader = 8;

std::uint16_t get16(const Bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

bool fail(std::string* error, const char* why) {
  if (error) *error = why;
  return false;
}

}  // namespace

bool replace_udp_payload(const Frame& frame, ByteView payload, Bytes& out, std::string* error) {
  if (!frame.is_udp) return fail(error, "not a UDP datagram");
  const bool v6 = frame.src.ip.version == 6;
  const std::size_t old_end = frame.udp_offset + kUdpHeader + frame.udp_payload.size();
  const std::size_t ip_header_end = frame.ip_offset + (v6 ? 40 : 20);
  if (old_end > frame.data.size() || ip_header_end > frame.udp_offset) {
    return fail(error, "frame does not hold the datagram it was decoded from");
  }
  const std::size_t udp_length = kUdpHeader + payload.size();
  if (udp_length > 0xffff) return fail(error, "rewritten datagram longer than 65535 bytes");

  out.assign(frame.data.begin(), frame.data.begin() + static_cast<long>(frame.udp_offset + kUdpHeader));
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), frame.data.begin() + static_cast<long>(old_end), frame.data.end());

  // Lengths grow or shrink by the payload's difference; extension headers stay counted.
  const long delta = static_cast<long>(payload.size()) - static_cast<long>(frame.udp_payload.size());
  const std::size_t ip = frame.ip_offset;
  const std::size_t length_field = v6 ? ip + 4 : ip + 2;
  const long ip_length = static_cast<long>(get16(out, length_field)) + delta;
  if (ip_length < 0 || ip_length > 0xffff) return fail(error, "rewritten IP packet longer than 65535 bytes");
  put16(out, length_field, static_cast<std::uint16_t>(ip_length));
  const std::size_t udp = frame.udp_offset;
  put16(out, udp + 4, static_cast<std::uint16_t>(udp_length));

  if (!v6) {
    const std::size_t header_length = (out[ip] & 0x0fu) * 4u;
    put16(out, ip + 10, 0);
    put16(out, ip + 10, finish_checksum(add_to_checksum(0, out.data() + ip, header_length)));
  }
  if (!v6 && get16(out, udp + 6) == 0) return true;  // sent without a checksum
  put16(out, udp + 6, 0);
  const std::size_t address_length = v6 ? 16 : 4;
  const std::size_t addresses = v6 ? ip + 8 : ip + 12;
  put16(out, udp + 6,
        udp_checksum(out.data() + addresses, out.data() + addresses + address_length, address_length,
                     out.data() + udp, udp_length));
  return true;
}

}  // namespace oidu
