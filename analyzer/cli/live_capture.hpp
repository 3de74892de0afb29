// Frames from a network interface through libpcap, numbered from 1 in arrival order,
// until a frame count, a duration or SIGINT/SIGTERM (cli/stop_signal.hpp) ends them.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture.hpp"

namespace oidu {

struct LiveOptions {
  std::string interface;
  std::string filter;          // BPF; empty: default_live_filter()
  std::uint64_t count = 0;     // frames to take; 0: no limit
  double duration_s = 0;       // seconds; 0: no limit
};

// UDP on the CoAP ports 5683 and 5684 and on `extra_ports`.
std::string default_live_filter(const std::vector<std::uint16_t>& extra_ports);

class LiveCapture {
 public:
  ~LiveCapture();
  // nullptr and `error` set ("lo: You don't have permission ...", "bad filter ...").
  static std::unique_ptr<LiveCapture> open(const LiveOptions& options, std::string* error);

  // The next frame (its payload valid until the next call), or false at the end: the
  // count reached, the time up, a stop signal, or a capture error (then error() says).
  bool next(Frame& frame);
  const std::string& error() const { return error_; }
  const std::string& filter() const { return filter_; }
  std::uint64_t frames() const { return frames_; }
  int link_type() const { return link_type_; }

 private:
  LiveCapture() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  LiveOptions options_;
  std::string filter_;
  std::string error_;
  int link_type_ = 0;
  std::uint64_t frames_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace oidu
