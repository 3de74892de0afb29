// The simulated network: hosts with link-layer and IP addresses, a clock, and a capture
// tap. The tap sits next to the clients: a request lost on its way is still captured,
// a response lost on its way is not.
#pragma once
#include <cstdint>
#include <string>

#include "capture/writer.hpp"
#include "sim/rng.hpp"

namespace oidu::sim {

struct Host {
  MacAddress mac{};
  Endpoint ep;
};

// A fresh host address: locally administered MAC, documentation prefix (RFC 5737 for
// IPv4, RFC 3849 for IPv6), `subnet` picks the network, `port` 0 = random ephemeral.
Host make_host(Rng& rng, bool ipv6, std::uint8_t subnet, std::uint16_t port);

class Network {
 public:
  Network(CaptureWriter& writer, std::int64_t start_us) : writer_(&writer), now_us_(start_us), start_us_(start_us) {}
  // Only the clock, for live peers: the kernel carries their datagrams.
  explicit Network(std::int64_t start_us) : now_us_(start_us), start_us_(start_us) {}

  std::int64_t now_us() const { return now_us_; }
  // Seconds since the start of the simulation (the peers' timers run on it).
  double now_s() const { return static_cast<double>(now_us_ - start_us_) / 1e6; }
  void advance_s(double seconds) { now_us_ += static_cast<std::int64_t>(seconds * 1e6); }
  void advance_us(std::int64_t us) { now_us_ += us; }

  // Writes one UDP datagram at the current time.
  void send(const Host& from, const Host& to, ByteView payload);
  bool ok() const { return ok_; }
  std::uint64_t frames() const { return frames_; }

 private:
  CaptureWriter* writer_ = nullptr;
  std::int64_t now_us_;
  std::int64_t start_us_;
  bool ok_ = true;
  std::uint64_t frames_ = 0;
};

}  // namespace oidu::sim
