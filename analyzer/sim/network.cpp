#include "sim/network.hpp"

namespace oidu::sim {

Host make_host(Rng& rng, bool ipv6, std::uint8_t subnet, std::uint16_t port) {
  Host h;
  const Bytes mac = rng.bytes(6);
  for (std::size_t i = 0; i < 6; ++i) h.mac[i] = mac[i];
  h.mac[0] = static_cast<std::uint8_t>((h.mac[0] & 0xfc) | 0x02);  // unicast, locally administered
  if (ipv6) {
    h.ep.ip.version = 6;
    const std::uint8_t prefix[] = {0x20, 0x01, 0x0d, 0xb8, 0x00, subnet};
    for (std::size_t i = 0; i < 6; ++i) h.ep.ip.bytes[i] = prefix[i];
    const Bytes iid = rng.bytes(8);
    for (std::size_t i = 0; i < 8; ++i) h.ep.ip.bytes[8 + i] = iid[i];
  } else {
    // 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24, picked by subnet.
    static constexpr std::uint8_t nets[3][3] = {{192, 0, 2}, {198, 51, 100}, {203, 0, 113}};
    const auto& n = nets[subnet % 3];
    h.ep.ip.version = 4;
    h.ep.ip.bytes[0] = n[0];
    h.ep.ip.bytes[1] = n[1];
    h.ep.ip.bytes[2] = n[2];
    h.ep.ip.bytes[3] = static_cast<std::uint8_t>(1 + rng.below(254));
  }
  h.ep.port = port != 0 ? port : static_cast<std::uint16_t>(49152 + rng.below(16384));
  return h;
}

void Network::send(const Host& from, const Host& to, ByteView payload) {
  UdpPacket p;
  p.time_us = now_us_;
  p.src_mac = from.mac;
  p.dst_mac = to.mac;
  p.src = from.ep;
  p.dst = to.ep;
  p.payload = payload;
  if (writer_) ok_ = writer_->write(p) && ok_;
  ++frames_;
}

}  // namespace oidu::sim
