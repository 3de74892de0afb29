// Inputs that once crashed the link layer fuzz target, replayed with gcc.
#include "../fuzz/replay.hpp"
#include "../fuzz/fuzz_link.cpp"

OIDU_REPLAY_TEST(CaptureFuzzRegressions, fuzz_link, oidu::fuzz::link_one)
