// The simulator's entry points for front ends: one scenario into a capture plus its key
// files, or the scale mode for benchmarks.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "capture/writer.hpp"

namespace oidu::sim {

struct SimulateOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  std::optional<CaptureFormat> format;  // default: the scenario's own
  std::optional<bool> ipv6;             // default: the scenario's own
  std::string output;                   // capture path; keys are written beside it
};

struct SimulateResult {
  std::uint64_t frames = 0;
  std::string keys_file;                // the file to give the analyzer
};

// False with `error` set on an unknown scenario or an I/O error.
bool run_scenario(const SimulateOptions& options, SimulateResult& result, std::string* error);

struct ScaleOptions {
  std::uint32_t pairs = 10000;
  std::uint64_t messages = 1000000;
  double procedure_rate = 0.002;        // chance per exchange that an idle pair starts one
  std::uint64_t seed = 1;
  CaptureFormat format = CaptureFormat::Pcapng;
  bool ipv6 = false;
  std::string output;
};

struct ScaleResult {
  std::uint64_t frames = 0;
  std::uint64_t id_updates = 0, kudos_runs = 0, migrations = 0;
  std::string keys_file;
};

// Streams to disk: memory grows with `pairs`, not with `messages`.
bool run_scale(const ScaleOptions& options, ScaleResult& result, std::string* error);

// 2026-01-15T09:00:00Z: captures start at a fixed time, so that they are reproducible.
inline constexpr std::int64_t kStartTimeUs = 1768467600LL * 1000000;

}  // namespace oidu::sim
