#include "capture/capture.hpp"

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace oidu {

namespace {

// Link types by their LINKTYPE_/DLT_ numbers; libpcap maps the file's LINKTYPE to the
// platform's DLT, so both spellings of raw IP can appear.
constexpr int kLinkNull = 0;
constexpr int kLinkEthernet = 1;
constexpr int kLinkRaw12 = 12;
constexpr int kLinkRaw14 = 14;
constexpr int kLinkRaw101 = 101;
constexpr int kLinkLoop = 108;
constexpr int kLinkSll = 113;
constexpr int kLinkIpv4 = 228;
constexpr int kLinkIpv6 = 229;
constexpr int kLinkSll2 = 276;

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::uint16_t kEtherQinQOld = 0x9100;

constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kIp6HopByHop = 0;
constexpr std::uint8_t kIp6Routing = 43;
constexpr std::uint8_t kIp6Fragment = 44;
constexpr std::uint8_t kIp6Ah = 51;
constexpr std::uint8_t kIp6DestOptions = 60;

constexpr const char* kFragmentProblem = "IP fragment (not reassembled)";

bool is_supported(int link_type) {
  switch (link_type) {
    case kLinkNull: case kLinkEthernet: case kLinkRaw12: case kLinkRaw14: case kLinkRaw101:
    case kLinkLoop: case kLinkSll: case kLinkIpv4: case kLinkIpv6: case kLinkSll2:
      return true;
    default:
      return false;
  }
}

std::uint16_t be16(ByteView d, std::size_t at) {
  return static_cast<std::uint16_t>(d[at] << 8 | d[at + 1]);
}

std::uint32_t be32(ByteView d, std::size_t at) {
  return std::uint32_t{d[at]} << 24 | std::uint32_t{d[at + 1]} << 16 | std::uint32_t{d[at + 2]} << 8 |
         d[at + 3];
}

MacAddress mac_at(ByteView d, std::size_t at) {
  MacAddress mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) mac[i] = d[at + i];
  return mac;
}

void set_problem(Frame& frame, std::string problem) { frame.problem = std::move(problem); }

std::string truncated(const char* what, std::size_t need, std::size_t have) {
  return std::string("truncated ") + what + " (" + std::to_string(need) + " bytes needed, " +
         std::to_string(have) + " captured)";
}

void decode_udp(ByteView d, Frame& frame) {
  if (d.size() < 8) return set_problem(frame, truncated("UDP header", 8, d.size()));
  const std::uint16_t length = be16(d, 4);
  if (length < 8) return set_problem(frame, "UDP length " + std::to_string(length) + " below 8");
  if (length > d.size()) return set_problem(frame, truncated("UDP datagram", length, d.size()));
  frame.udp_offset = static_cast<std::size_t>(d.data() - frame.data.data());
  frame.src.port = be16(d, 0);
  frame.dst.port = be16(d, 2);
  frame.udp_payload = d.subspan(8, length - 8u);
  frame.is_udp = true;
}

void decode_ipv4(ByteView d, Frame& frame) {
  if (d.size() < 20) return set_problem(frame, truncated("IPv4 header", 20, d.size()));
  if (d[0] >> 4 != 4) {
    return set_problem(frame, "IPv4 packet with version " + std::to_string(d[0] >> 4));
  }
  const std::size_t header_length = (d[0] & 0x0fu) * 4u;
  if (header_length < 20) {
    return set_problem(frame, "IPv4 header length " + std::to_string(header_length) + " below 20");
  }
  if (d.size() < header_length) return set_problem(frame, truncated("IPv4 header", header_length, d.size()));
  const std::uint16_t total_length = be16(d, 2);
  if (total_length < header_length) {
    return set_problem(frame, "IPv4 total length " + std::to_string(total_length) +
                                  " smaller than its header");
  }
  if (total_length > d.size()) return set_problem(frame, truncated("IPv4 packet", total_length, d.size()));
  if (d[9] != kProtoUdp) return;
  frame.ip_offset = static_cast<std::size_t>(d.data() - frame.data.data());
  frame.src.ip.version = frame.dst.ip.version = 4;
  for (std::size_t i = 0; i < 4; ++i) {
    frame.src.ip.bytes[i] = d[12 + i];
    frame.dst.ip.bytes[i] = d[16 + i];
  }
  const bool more_fragments = (d[6] & 0x20) != 0;
  const bool offset = (be16(d, 6) & 0x1fff) != 0;
  if (more_fragments || offset) return set_problem(frame, kFragmentProblem);
  // total_length, not the frame size: Ethernet pads short frames to 60 bytes.
  decode_udp(d.subspan(header_length, total_length - header_length), frame);
}

void decode_ipv6(ByteView d, Frame& frame) {
  if (d.size() < 40) return set_problem(frame, truncated("IPv6 header", 40, d.size()));
  if (d[0] >> 4 != 6) {
    return set_problem(frame, "IPv6 packet with version " + std::to_string(d[0] >> 4));
  }
  const std::size_t payload_length = be16(d, 4);
  if (40 + payload_length > d.size()) {
    return set_problem(frame, truncated("IPv6 packet", 40 + payload_length, d.size()));
  }
  frame.ip_offset = static_cast<std::size_t>(d.data() - frame.data.data());
  frame.src.ip.version = frame.dst.ip.version = 6;
  for (std::size_t i = 0; i < 16; ++i) {
    frame.src.ip.bytes[i] = d[8 + i];
    frame.dst.ip.bytes[i] = d[24 + i];
  }
  std::uint8_t next = d[6];
  ByteView rest = d.subspan(40, payload_length);
  // Skip the extension headers that can precede UDP (RFC 8200 4.1).
  for (;;) {
    if (next == kIp6HopByHop || next == kIp6Routing || next == kIp6DestOptions || next == kIp6Ah) {
      if (rest.size() < 2) return set_problem(frame, truncated("IPv6 extension header", 2, rest.size()));
      const std::size_t length = next == kIp6Ah ? (rest[1] + 2u) * 4u : (rest[1] + 1u) * 8u;
      if (rest.size() < length) {
        return set_problem(frame, truncated("IPv6 extension header", length, rest.size()));
      }
      next = rest[0];
      rest = rest.subspan(length);
    } else if (next == kIp6Fragment) {
      if (rest.size() < 8) return set_problem(frame, truncated("IPv6 fragment header", 8, rest.size()));
      const bool atomic = (be16(rest, 2) & 0xfff9) == 0;  // offset 0, M clear (RFC 6946)
      next = rest[0];
      rest = rest.subspan(8);
      if (!atomic) {
        const bool maybe_udp = next == kProtoUdp || next == kIp6HopByHop || next == kIp6Routing ||
                               next == kIp6DestOptions || next == kIp6Ah;
        if (maybe_udp) set_problem(frame, kFragmentProblem);
        return;
      }
    } else {
      break;
    }
  }
  if (next != kProtoUdp) return;
  decode_udp(rest, frame);
}

void decode_ethertype(std::uint16_t type, ByteView d, Frame& frame) {
  // 802.1Q and QinQ tags: 2 bytes of TCI, then the next EtherType.
  while (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld) {
    if (d.size() < 4) return set_problem(frame, truncated("VLAN tag", 4, d.size()));
    type = be16(d, 2);
    d = d.subspan(4);
  }
  if (type == kEtherIpv4) return decode_ipv4(d, frame);
  if (type == kEtherIpv6) return decode_ipv6(d, frame);
}

void decode_raw_ip(ByteView d, Frame& frame) {
  if (d.empty()) return set_problem(frame, "empty raw IP packet");
  const unsigned version = d[0] >> 4;
  if (version == 4) return decode_ipv4(d, frame);
  if (version == 6) return decode_ipv6(d, frame);
  set_problem(frame, "raw IP packet with version " + std::to_string(version));
}

// BSD loopback: a 4-byte address family in the capturing host's byte order (NULL) or
// in network order (LOOP); both orders are tried, as files travel between hosts.
void decode_null(ByteView d, Frame& frame) {
  if (d.size() < 4) return set_problem(frame, truncated("loopback header", 4, d.size()));
  const std::uint32_t big = be32(d, 0);
  const std::uint32_t little = std::uint32_t{d[3]} << 24 | std::uint32_t{d[2]} << 16 |
                               std::uint32_t{d[1]} << 8 | d[0];
  const auto is = [&](std::uint32_t af) { return big == af || little == af; };
  if (is(2)) return decode_ipv4(d.subspan(4), frame);
  // AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS.
  if (is(10) || is(24) || is(28) || is(30)) return decode_ipv6(d.subspan(4), frame);
}

// libpcap's name, or for the private-use range 147-162 (which libpcap leaves unnamed) USER0-15.
std::string link_type_name(int link_type) {
  if (const char* name = pcap_datalink_val_to_name(link_type)) return name;
  if (link_type >= 147 && link_type <= 162) return "USER" + std::to_string(link_type - 147);
  return "unknown";
}

}  // namespace

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN];
  const int family = version == 6 ? AF_INET6 : AF_INET;
  if (!inet_ntop(family, bytes.data(), text, sizeof text)) return "?";
  return text;
}

std::string Endpoint::to_string() const {
  const std::string address = ip.to_string();
  const std::string port_text = std::to_string(port);
  return ip.version == 6 ? "[" + address + "]:" + port_text : address + ":" + port_text;
}

bool names_interface(const MacAddress& mac) {
  return std::any_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b != 0; }) && (mac[0] & 1) == 0;
}

std::string mac_to_string(const MacAddress& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", unsigned{mac[0]}, unsigned{mac[1]},
                unsigned{mac[2]}, unsigned{mac[3]}, unsigned{mac[4]}, unsigned{mac[5]});
  return text;
}

std::string format_time(std::int64_t time_us) {
  // Floor division, so that times before 1970 still get a microsecond part in [0, 1e6).
  std::int64_t seconds = time_us / 1000000;
  std::int64_t micros = time_us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(time_us) + "us";
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return text;
}

bool link_type_supported(int link_type) { return is_supported(link_type); }
std::string link_type_label(int link_type) { return link_type_name(link_type); }

void decode_link_frame(int link_type, ByteView data, Frame& frame) {
  frame.src_mac.reset();
  frame.dst_mac.reset();
  frame.is_udp = false;
  frame.src = {};
  frame.dst = {};
  frame.udp_payload = {};
  frame.problem.clear();
  frame.data = data;  // the decoders below measure their offsets from it
  frame.ip_offset = frame.udp_offset = 0;
  switch (link_type) {
    case kLinkEthernet:
      if (data.size() < 14) return set_problem(frame, truncated("Ethernet header", 14, data.size()));
      frame.dst_mac = mac_at(data, 0);
      frame.src_mac = mac_at(data, 6);
      return decode_ethertype(be16(data, 12), data.subspan(14), frame);
    case kLinkSll:
      // packet type, ARPHRD type, address length, 8 address bytes, protocol (Linux cooked v1).
      if (data.size() < 16) return set_problem(frame, truncated("Linux cooked header", 16, data.size()));
      if (be16(data, 2) == 1 && be16(data, 4) == 6) frame.src_mac = mac_at(data, 6);
      return decode_ethertype(be16(data, 14), data.subspan(16), frame);
    case kLinkSll2:
      // protocol, reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes.
      if (data.size() < 20) return set_problem(frame, truncated("Linux cooked v2 header", 20, data.size()));
      if (be16(data, 8) == 1 && data[11] == 6) frame.src_mac = mac_at(data, 12);
      return decode_ethertype(be16(data, 0), data.subspan(20), frame);
    case kLinkRaw12:
    case kLinkRaw14:
    case kLinkRaw101:
      return decode_raw_ip(data, frame);
    case kLinkIpv4:
      return decode_ipv4(data, frame);
    case kLinkIpv6:
      return decode_ipv6(data, frame);
    case kLinkNull:
    case kLinkLoop:
      return decode_null(data, frame);
    default:
      return;
  }
}

// libpcap reads a file through stdio, whose default buffer is one 4 KiB block: a
// million-frame capture took 27,000 read calls. The file is opened here, as libpcap's
// pcap_open_offline would, with a larger buffer. A pipe still hands over each frame as
// soon as it arrives: a read returns what the pipe holds, it does not wait to fill this.
constexpr std::size_t kReadBuffer = std::size_t{1} << 20;

struct CaptureReader::Impl {
  std::unique_ptr<char[]> buffer;  // the stream's, so it outlives pcap_close
  pcap_t* pcap = nullptr;
  ~Impl() {
    if (pcap) pcap_close(pcap);  // also closes the file (not standard input)
  }
};

CaptureReader::~CaptureReader() = default;

std::unique_ptr<CaptureReader> CaptureReader::open(const std::string& path, std::string* error) {
  const auto fail = [&](std::string message) -> std::unique_ptr<CaptureReader> {
    if (error) *error = std::move(message);
    return nullptr;
  };
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  const bool from_stdin = path == "-";
  std::FILE* file = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (!file) return fail(path + ": " + std::strerror(errno));
  auto impl = std::make_unique<Impl>();
  // Not standard input: it outlives this reader, and would be left with a freed buffer.
  if (!from_stdin) {
    impl->buffer = std::make_unique<char[]>(kReadBuffer);
    if (std::setvbuf(file, impl->buffer.get(), _IOFBF, kReadBuffer) != 0) impl->buffer.reset();
  }
  // Nanoseconds, so a rewritten capture keeps the file's timestamps; time_us is the same
  // as with microsecond precision (libpcap truncates too).
  pcap_t* pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!pcap) {
    if (!from_stdin) std::fclose(file);
    std::string reason = errbuf;
    if (reason.find("unknown file format") != std::string::npos ||
        reason.find("truncated dump file") != std::string::npos) {
      return fail(path + ": not a pcap or pcapng file (" + reason + ")");
    }
    // libpcap names the file itself in some messages ("<path>: No such file or directory").
    if (reason.rfind(path + ": ", 0) == 0) reason.erase(0, path.size() + 2);
    return fail(path + ": " + reason);
  }
  std::unique_ptr<CaptureReader> reader(new CaptureReader());
  impl->pcap = pcap;
  reader->impl_ = std::move(impl);
  reader->path_ = path;
  reader->link_type_ = pcap_datalink(pcap);
  if (!is_supported(reader->link_type_)) {
    return fail(path + ": unsupported link type " + std::to_string(reader->link_type_) + " (" +
                link_type_name(reader->link_type_) + ")");
  }
  return reader;
}

bool CaptureReader::next(Frame& frame) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(impl_->pcap, &header, &data);
  if (rc == PCAP_ERROR_BREAK) return false;  // end of file
  if (rc != 1) {
    error_ = path_ + ": " + pcap_geterr(impl_->pcap);
    return false;
  }
  frame = Frame{};
  frame.number = ++frame_number_;
  // With nanosecond precision libpcap puts nanoseconds in tv_usec.
  const std::int64_t nanoseconds = header->ts.tv_usec;
  frame.time_ns = std::int64_t{header->ts.tv_sec} * 1000000000 + nanoseconds;
  frame.time_us = std::int64_t{header->ts.tv_sec} * 1000000 + nanoseconds / 1000;
  frame.captured_length = header->caplen;
  frame.original_length = header->len;
  decode_link_frame(link_type_, ByteView(data, header->caplen), frame);
  return true;
}

bool CaptureReader::next_batch(FrameBatch& batch) {
  batch.size_ = 0;
  if (!error_.empty()) return false;
  while (batch.size_ < FrameBatch::kMaxFrames) {
    Frame& frame = batch.frames_[batch.size_];
    if (!next(frame)) break;
    // libpcap reuses its buffer on the next read.
    Bytes& copy = batch.payloads_[batch.size_];
    if (keep_frame_bytes_) {
      copy.assign(frame.data.begin(), frame.data.end());
      const std::size_t payload_at =
          frame.is_udp ? static_cast<std::size_t>(frame.udp_payload.data() - frame.data.data()) : 0;
      frame.data = ByteView(copy.data(), copy.size());
      frame.udp_payload = frame.is_udp ? frame.data.subspan(payload_at, frame.udp_payload.size()) : ByteView{};
    } else {
      copy.assign(frame.udp_payload.begin(), frame.udp_payload.end());
      frame.udp_payload = ByteView(copy.data(), copy.size());
      frame.data = {};
    }
    ++batch.size_;
  }
  return batch.size_ > 0;
}

}  // namespace oidu
