// Capture files in, UDP datagrams out: libpcap reads pcap and pcapng; this layer strips
// Ethernet (with 802.1Q tags), Linux cooked (SLL, SLL2), raw IP, and BSD loopback/NULL,
// then IPv4 / IPv6 (extension headers skipped) down to UDP. Frames are numbered from 1
// in file order, exactly as Wireshark numbers them.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/bytes.hpp"

namespace oidu {

struct IpAddress {
  std::uint8_t version = 4;            // 4 or 6
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  std::string to_string() const;       // "127.0.0.1", "2001:db8::1" (RFC 5952)
  auto operator<=>(const IpAddress&) const = default;
};

struct Endpoint {
  IpAddress ip;
  std::uint16_t port = 0;
  std::string to_string() const;       // "127.0.0.1:5683", "[2001:db8::1]:5683"
  auto operator<=>(const Endpoint&) const = default;
};

using MacAddress = std::array<std::uint8_t, 6>;
std::string mac_to_string(const MacAddress& mac);  // "02:00:00:00:00:01"
// Whether a source MAC names an interface: Linux loopback (tcpdump -i lo) records a
// pseudo-Ethernet header with all-zero addresses, and a group address is no sender.
bool names_interface(const MacAddress& mac);

// One frame of the capture. `udp_payload` is a view into the reader's buffer, valid
// until the next call to next().
struct Frame {
  std::uint64_t number = 0;            // 1-based, as in Wireshark
  std::int64_t time_us = 0;            // microseconds since the epoch
  std::int64_t time_ns = 0;            // the same in nanoseconds, as precise as the file
  std::size_t captured_length = 0;
  std::size_t original_length = 0;     // on the wire (at least captured_length)
  // The frame as captured, from its link-layer header on; a view like `udp_payload`
  // (after next_batch() only if the reader keeps frame bytes).
  ByteView data;
  // Where the IP and UDP headers start in `data`, when is_udp: what a rewrite of the
  // datagram needs to fix lengths and checksums (capture/udp_rewrite.hpp).
  std::size_t ip_offset = 0, udp_offset = 0;
  std::optional<MacAddress> src_mac, dst_mac;  // when the link layer has them
  bool is_udp = false;                 // false: not IP/UDP, or unusable (see `problem`)
  Endpoint src, dst;
  ByteView udp_payload;
  std::string problem;                 // why a frame that looked like UDP was unusable
                                       // ("truncated IPv4 header", "IP fragment", ...)
};

// Frames read ahead, each with its own copy of its UDP payload, so that several can be
// handed to the engine at once (Analyzer::process_batch).
class FrameBatch {
 public:
  static constexpr std::size_t kMaxFrames = 16;
  std::span<const Frame> frames() const { return {frames_.data(), size_}; }

 private:
  friend class CaptureReader;
  std::array<Frame, kMaxFrames> frames_;
  std::array<Bytes, kMaxFrames> payloads_;  // capacity kept from batch to batch; whole
                                            // frames when the reader keeps frame bytes
  std::size_t size_ = 0;
};

// ISO 8601 UTC with microseconds: "2026-11-28T12:46:01.123456Z".
std::string format_time(std::int64_t time_us);

class CaptureReader {
 public:
  ~CaptureReader();
  // nullptr and `error` set ("<path>: not a pcap or pcapng file", "unsupported link
  // type 147 (USER0)") if the file cannot be read.
  static std::unique_ptr<CaptureReader> open(const std::string& path, std::string* error);

  // false at the end of the file, or at a read error (then `error()` is non-empty).
  bool next(Frame& frame);
  // Up to FrameBatch::kMaxFrames frames; false when none was left (see next()).
  bool next_batch(FrameBatch& batch);
  // next_batch() copies whole frames, not only UDP payloads, so that each Frame's `data`
  // stays valid with the batch (for rewriting frames; off by default: it costs a copy).
  void keep_frame_bytes(bool keep) { keep_frame_bytes_ = keep; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  int link_type() const { return link_type_; }

 private:
  CaptureReader() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::string error_;
  int link_type_ = 0;
  std::uint64_t frame_number_ = 0;
  bool keep_frame_bytes_ = false;
};

// Decodes one frame of link type `link_type` (DLT_*) into `frame` (is_udp, endpoints,
// payload, problem). Exposed for the fuzzers and for the plugin, which gets frames
// from Wireshark instead of libpcap.
void decode_link_frame(int link_type, ByteView data, Frame& frame);
// Whether decode_link_frame() understands `link_type`, and its name ("EN10MB", "USER0")
// for messages: live capture checks the interface's link type with them.
bool link_type_supported(int link_type);
std::string link_type_label(int link_type);

}  // namespace oidu
