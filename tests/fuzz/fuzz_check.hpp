// Shared by the fuzz targets. Each target's body is an inline function, so the gcc unit
// tests can include the target source with OIDU_FUZZ_NO_MAIN defined and replay the
// regression inputs through exactly the code the fuzzer ran.
#pragma once
#include <cstdio>
#include <cstdlib>

namespace oidu::fuzz {

// A broken invariant: report and abort, which both libFuzzer and gtest see as a crash.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

}  // namespace oidu::fuzz

#ifndef OIDU_FUZZ_NO_MAIN
#define OIDU_FUZZ_ENTRY(body)                                                          \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    body(data, size);                                                                  \
    return 0;                                                                          \
  }
#else
#define OIDU_FUZZ_ENTRY(body)
#endif
