// Saved inputs of the key file fuzz target (crashes and hand-written seeds), replayed
// through the same code with gcc.
#include "../fuzz/replay.hpp"
#include "../fuzz/fuzz_keys.cpp"

OIDU_REPLAY_TEST(KeysFuzzRegressions, fuzz_keys, oidu::fuzz::keys_one)
