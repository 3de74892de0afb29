// The simulator's only source of randomness: a seeded std::mt19937_64, so that the same
// command writes the same bytes. Distributions are computed here rather than with
// <random>'s distributions, whose output the standard leaves to each library.
#pragma once
#include <cstdint>
#include <random>

#include "core/bytes.hpp"

namespace oidu::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}

  std::uint64_t next() { return gen_(); }
  // Uniform in [0, n); n > 0. The modulo bias is irrelevant for n far below 2^64.
  std::uint64_t below(std::uint64_t n) { return gen_() % n; }
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(gen_() >> 11) * 0x1.0p-53;
  }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }
  Bytes bytes(std::size_t n) {
    Bytes out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(gen_() & 0xff);
    return out;
  }
  // An independent stream for a sub-simulation (one per pair in scale mode).
  Rng fork() { return Rng(gen_()); }

 private:
  std::mt19937_64 gen_;
};

}  // namespace oidu::sim
