// Everything `oscore-idu analyze` is told on its command line, as one value that the
// option definitions fill and the run reads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace oidu {

struct AnalyzeOptions {
  std::vector<std::string> key_files;
  std::vector<std::string> captures;  // "-" is standard input
  std::string format = "text";
  std::string output;           // -o: the report goes to this file instead of stdout
  std::string html;             // --html: an HTML report to this file as well
  std::vector<std::uint16_t> ports;
  bool no_content_detection = false;
  double repeat_timer = 93.0;
  double ending_timer = 0.0;   // 0: 3 x repeat timer
  unsigned ending_counter = 0;
  std::string fail_on = "error";
  bool show_keys = false;
  bool no_messages = false;
  unsigned jobs = 1;
  std::string write_decrypted;  // OUT.pcapng, or empty
  bool wide = false;
  std::string colour = "auto";
  // Live capture instead of files.
  std::string interface;
  std::uint64_t count = 0;     // 0: no limit
  double duration = 0;         // seconds; 0: no limit
  std::string filter;          // BPF; empty: UDP on 5683, 5684 and the --port ones
};

// Runs the analysis; returns the exit status (0 clean, 1 findings at --fail-on, 2 input).
int run_analyze(const AnalyzeOptions& options);

}  // namespace oidu
