// Replaces the UDP payload of a captured frame, keeping every other byte: the UDP length,
// the IPv4 total length or IPv6 payload length, and the IPv4 and UDP checksums are fixed.
#pragma once
#include <string>

#include "capture/capture.hpp"

namespace oidu {

// `frame` as decode_link_frame() left it (is_udp, `data`, ip_offset, udp_offset). The
// new frame goes to `out`; false and `error` set when it cannot be rewritten (not UDP,
// or a datagram that would exceed 65535 bytes). Link-layer trailers (Ethernet padding)
// stay after the IP packet. A UDP-over-IPv4 checksum of 0 ("none") stays 0.
bool replace_udp_payload(const Frame& frame, ByteView payload, Bytes& out, std::string* error);

}  // namespace oidu
