// The input format of the whole-capture fuzz targets (fuzz_analyzer, fuzz_report):
// arbitrary traffic between one client and one server that share the keys of
// captures/third-party/libcoap-oscore. The input is a sequence of chunks
// [header][length: 2 bytes, big endian][UDP payload]: header bit 0 picks the direction
// (0 client -> server), bits 1-7 the seconds since the previous datagram, so that the
// procedure timers fire too.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "fuzz_check.hpp"

namespace oidu::fuzz {

inline const std::vector<KeyEntry>& fuzz_keys() {
  static const std::vector<KeyEntry> keys =
      load_key_file(std::string(OIDU_SOURCE_DIR) +
                    "/captures/third-party/libcoap-oscore.oscore_contexts")
          .entries;
  return keys;
}

inline Endpoint endpoint(std::uint16_t port) {
  Endpoint e;
  e.ip.version = 4;
  e.ip.bytes[0] = 127;
  e.ip.bytes[3] = 1;
  e.port = port;
  return e;
}

inline std::vector<Frame> frames_of(const std::uint8_t* data, std::size_t size) {
  const Endpoint client = endpoint(50000), server = endpoint(5683);
  std::int64_t time_us = 1'700'000'000'000'000;
  std::vector<Frame> frames;
  std::size_t pos = 0;
  while (pos + 3 <= size) {
    const std::uint8_t header = data[pos];
    const std::size_t length =
        std::min<std::size_t>(static_cast<std::size_t>(data[pos + 1] << 8 | data[pos + 2]),
                              size - pos - 3);
    pos += 3;
    Frame frame;
    frame.number = frames.size() + 1;
    time_us += static_cast<std::int64_t>(header >> 1) * 1'000'000;
    frame.time_us = time_us;
    frame.captured_length = length + 28;
    frame.is_udp = true;
    const bool to_server = (header & 1) == 0;
    frame.src = to_server ? client : server;
    frame.dst = to_server ? server : client;
    frame.udp_payload = ByteView(data + pos, length);
    pos += length;
    frames.push_back(frame);
  }
  return frames;
}

}  // namespace oidu::fuzz
