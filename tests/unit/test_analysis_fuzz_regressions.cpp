// Inputs that once crashed the engine fuzz target, replayed with gcc.
#include "../fuzz/replay.hpp"
#include "../fuzz/fuzz_analyzer.cpp"

OIDU_REPLAY_TEST(AnalysisFuzzRegressions, fuzz_analyzer, oidu::fuzz::analyzer_one)
