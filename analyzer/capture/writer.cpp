#include "capture/writer.hpp"

#include <cerrno>
#include <cstring>

#include "capture/checksum.hpp"

namespace oidu {

namespace {

// pcapng (draft-ietf-opsawg-pcapng) and classic pcap are written little-endian whatever
// the host, so the same packets give the same bytes everywhere.
constexpr std::uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr std::uint32_t kPcapngInterface = 0x00000001;
constexpr std::uint32_t kPcapngEnhancedPacket = 0x00000006;
constexpr std::uint32_t kPcapngByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kPcapMagicMicroseconds = 0xa1b2c3d4;
constexpr std::uint16_t kLinkEthernet = 1;
constexpr std::uint32_t kSnapLength = 262144;

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kTtl = 64;

void le16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void le32(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void be16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put_be16(Bytes& out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

// Ethernet + IPv4/IPv6 + UDP around the payload; empty if the packet cannot be built.
Bytes build_frame(const UdpPacket& p, std::uint16_t ip_id) {
  const bool v6 = p.src.ip.version == 6;
  const std::size_t udp_length = 8 + p.payload.size();
  if (udp_length > 0xffff - (v6 ? 0 : 20)) return {};

  Bytes f;
  f.insert(f.end(), p.dst_mac.begin(), p.dst_mac.end());
  f.insert(f.end(), p.src_mac.begin(), p.src_mac.end());
  be16(f, v6 ? kEtherIpv6 : kEtherIpv4);

  const std::size_t address_length = v6 ? 16 : 4;
  const std::size_t ip_start = f.size();
  if (v6) {
    f.insert(f.end(), {0x60, 0, 0, 0});  // version 6, traffic class and flow label 0
    be16(f, static_cast<std::uint16_t>(udp_length));
    f.push_back(kProtoUdp);
    f.push_back(kTtl);
  } else {
    f.push_back(0x45);  // version 4, 20-byte header
    f.push_back(0);
    be16(f, static_cast<std::uint16_t>(20 + udp_length));
    be16(f, ip_id);
    be16(f, 0);  // no flags (DF clear), offset 0
    f.push_back(kTtl);
    f.push_back(kProtoUdp);
    be16(f, 0);  // header checksum, filled in below
  }
  f.insert(f.end(), p.src.ip.bytes.begin(), p.src.ip.bytes.begin() + static_cast<long>(address_length));
  f.insert(f.end(), p.dst.ip.bytes.begin(), p.dst.ip.bytes.begin() + static_cast<long>(address_length));
  if (!v6) put_be16(f, ip_start + 10, finish_checksum(add_to_checksum(0, f.data() + ip_start, 20)));

  const std::size_t udp_start = f.size();
  be16(f, p.src.port);
  be16(f, p.dst.port);
  be16(f, static_cast<std::uint16_t>(udp_length));
  be16(f, 0);
  f.insert(f.end(), p.payload.begin(), p.payload.end());

  // Pseudo header (RFC 768, RFC 8200 8.1): addresses, protocol, UDP length.
  const std::size_t addresses = v6 ? ip_start + 8 : ip_start + 12;
  const std::uint16_t checksum = udp_checksum(f.data() + addresses, f.data() + addresses + address_length,
                                              address_length, f.data() + udp_start, udp_length);
  put_be16(f, udp_start + 6, checksum);
  return f;
}

void pcapng_header(Bytes& out) {
  le32(out, kPcapngSectionHeader);
  le32(out, 28);
  le32(out, kPcapngByteOrderMagic);
  le16(out, 1);  // version 1.0
  le16(out, 0);
  le32(out, 0xffffffff);  // section length unknown (-1)
  le32(out, 0xffffffff);
  le32(out, 28);
  // One Ethernet interface; no if_tsresol option means microseconds.
  le32(out, kPcapngInterface);
  le32(out, 20);
  le16(out, kLinkEthernet);
  le16(out, 0);
  le32(out, kSnapLength);
  le32(out, 20);
}

void pcap_header(Bytes& out) {
  le32(out, kPcapMagicMicroseconds);
  le16(out, 2);  // version 2.4
  le16(out, 4);
  le32(out, 0);  // thiszone
  le32(out, 0);  // sigfigs
  le32(out, kSnapLength);
  le32(out, kLinkEthernet);
}

void pcapng_packet(Bytes& out, std::int64_t time_us, const Bytes& frame) {
  const std::size_t padded = (frame.size() + 3) / 4 * 4;
  const auto total = static_cast<std::uint32_t>(32 + padded);
  const auto ts = static_cast<std::uint64_t>(time_us);
  le32(out, kPcapngEnhancedPacket);
  le32(out, total);
  le32(out, 0);  // interface 0
  le32(out, static_cast<std::uint32_t>(ts >> 32));
  le32(out, static_cast<std::uint32_t>(ts));
  le32(out, static_cast<std::uint32_t>(frame.size()));
  le32(out, static_cast<std::uint32_t>(frame.size()));
  out.insert(out.end(), frame.begin(), frame.end());
  out.insert(out.end(), padded - frame.size(), 0);
  le32(out, total);
}

void pcap_packet(Bytes& out, std::int64_t time_us, const Bytes& frame) {
  std::int64_t seconds = time_us / 1000000;
  std::int64_t micros = time_us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  le32(out, static_cast<std::uint32_t>(seconds));
  le32(out, static_cast<std::uint32_t>(micros));
  le32(out, static_cast<std::uint32_t>(frame.size()));
  le32(out, static_cast<std::uint32_t>(frame.size()));
  out.insert(out.end(), frame.begin(), frame.end());
}

bool write_all(std::FILE* file, const Bytes& bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
}

}  // namespace

CaptureWriter::~CaptureWriter() {
  if (file_) std::fclose(file_);
}

std::unique_ptr<CaptureWriter> CaptureWriter::create(const std::string& path, CaptureFormat format,
                                                     std::string* error) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) {
    if (error) *error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<CaptureWriter> writer(new CaptureWriter());
  writer->file_ = file;
  writer->format_ = format;
  if (format == CaptureFormat::Pcapng) {
    pcapng_header(writer->buffer_);
  } else {
    pcap_header(writer->buffer_);
  }
  if (!write_all(file, writer->buffer_)) {
    if (error) *error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  return writer;
}

bool CaptureWriter::write(const UdpPacket& packet) {
  if (!file_) return false;
  const bool v6 = packet.src.ip.version == 6;
  if (packet.dst.ip.version != packet.src.ip.version || (!v6 && packet.src.ip.version != 4)) return false;
  const Bytes frame = build_frame(packet, next_ip_id_);
  if (frame.empty()) return false;
  if (!v6) ++next_ip_id_;
  buffer_.clear();
  if (format_ == CaptureFormat::Pcapng) {
    pcapng_packet(buffer_, packet.time_us, frame);
  } else {
    pcap_packet(buffer_, packet.time_us, frame);
  }
  return write_all(file_, buffer_);
}

bool CaptureWriter::close() {
  if (!file_) return false;
  const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  return flushed && closed;
}

}  // namespace oidu
