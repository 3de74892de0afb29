// Inputs that once crashed (or were saved from) the wire fuzz targets, replayed through
// the same code with gcc.
#include "../fuzz/replay.hpp"
#include "../fuzz/fuzz_coap.cpp"
#include "../fuzz/fuzz_oscore_option.cpp"

OIDU_REPLAY_TEST(WireFuzzRegressions, fuzz_coap, oidu::fuzz::coap_one)
OIDU_REPLAY_TEST(WireFuzzRegressions, fuzz_oscore_option, oidu::fuzz::oscore_option_one)
