// Inputs that once broke the report fuzz target, replayed with gcc.
#include "../fuzz/replay.hpp"
#include "../fuzz/fuzz_report.cpp"

OIDU_REPLAY_TEST(CliFuzzRegressions, fuzz_report, oidu::fuzz::report_one)
