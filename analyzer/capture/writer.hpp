// Writes captures: pcapng (one interface, Ethernet) or classic pcap, with Ethernet,
// IPv4/IPv6 and UDP headers built here, checksums included. Used by the simulator.
#pragma once
#include <cstdio>
#include <string>

#include "capture/capture.hpp"

namespace oidu {

enum class CaptureFormat { Pcapng, Pcap };

struct UdpPacket {
  std::int64_t time_us = 0;
  MacAddress src_mac{}, dst_mac{};
  Endpoint src, dst;        // both IPv4 or both IPv6
  ByteView payload;
};

class CaptureWriter {
 public:
  ~CaptureWriter();
  static std::unique_ptr<CaptureWriter> create(const std::string& path, CaptureFormat format,
                                               std::string* error);
  bool write(const UdpPacket& packet);
  bool close();  // flushes; false on an I/O error

 private:
  CaptureWriter() = default;
  std::FILE* file_ = nullptr;
  CaptureFormat format_ = CaptureFormat::Pcapng;
  Bytes buffer_;
  std::uint16_t next_ip_id_ = 0;  // IPv4 identification: a counter, so output is deterministic
};

}  // namespace oidu
