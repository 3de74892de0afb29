// Replays the saved fuzz inputs of one target (tests/fuzz/regressions/<target>/ and any
// committed seeds/<target>/) through its body; a crash or broken invariant aborts the test.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace oidu::fuzz {

inline std::size_t replay(const std::string& target,
                          void (*body)(const std::uint8_t*, std::size_t)) {
  namespace fs = std::filesystem;
  std::size_t count = 0;
  for (const char* folder : {"regressions", "seeds"}) {
    const fs::path dir = fs::path(OIDU_SOURCE_DIR) / "tests" / "fuzz" / folder / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& file : fs::directory_iterator(dir)) {
      if (!file.is_regular_file()) continue;
      SCOPED_TRACE(file.path().string());
      std::ifstream in(file.path(), std::ios::binary);
      const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>());
      body(data.data(), data.size());
      ++count;
    }
  }
  return count;
}

}  // namespace oidu::fuzz

// The body of each target, without its libFuzzer entry point.
#define OIDU_FUZZ_NO_MAIN 1

#define OIDU_REPLAY_TEST(suite, target, body)                               \
  TEST(suite, target) {                                                      \
    if (oidu::fuzz::replay(#target, body) == 0) {                            \
      GTEST_SKIP() << "no saved inputs for " #target;                        \
    }                                                                        \
  }
