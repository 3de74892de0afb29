// The Internet checksum (RFC 1071) of IPv4 headers and of UDP with its pseudo header
// (RFC 768, RFC 8200 8.1), shared by the capture writer and the datagram rewriter.
#pragma once
#include <cstddef>
#include <cstdint>

namespace oidu {

// Adds `length` bytes, as big-endian 16-bit words, to a partial ones' complement sum.
inline std::uint32_t add_to_checksum(std::uint32_t sum, const std::uint8_t* data, std::size_t length) {
  for (std::size_t i = 0; i + 1 < length; i += 2) sum += std::uint32_t{data[i]} << 8 | data[i + 1];
  if (length % 2) sum += std::uint32_t{data[length - 1]} << 8;
  return sum;
}

// Folds the sum and complements it: the value that goes into the header.
inline std::uint16_t finish_checksum(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// The UDP checksum of `udp` (header with a zero checksum field, then payload) between
// addresses of `address_length` bytes (4 or 16); never 0, which means "none" over IPv4.
inline std::uint16_t udp_checksum(const std::uint8_t* src, const std::uint8_t* dst, std::size_t address_length,
                                  const std::uint8_t* udp, std::size_t udp_length) {
  constexpr std::uint32_t kProtoUdp = 17;
  std::uint32_t sum = add_to_checksum(0, src, address_length);
  sum = add_to_checksum(sum, dst, address_length);
  sum += kProtoUdp + static_cast<std::uint32_t>(udp_length);
  sum = add_to_checksum(sum, udp, udp_length);
  const std::uint16_t checksum = finish_checksum(sum);
  return checksum == 0 ? 0xffff : checksum;
}

}  // namespace oidu
