// What the engine said about the open capture file, kept per frame.
//
// Wireshark dissects a frame many times (first pass, `tshark -2`, every click in the GUI),
// but the engine must see each frame exactly once and in order. So the engine runs only
// on the first, sequential pass, and every dissection shows what was stored for its frame.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "message_store.hpp"

namespace oidu_plugin {

// Findings and diagnostics are few: kept as they come, for the frames that have any.
struct FrameNotes {
  std::vector<oidu::Finding> findings;       // findings that name this frame
  std::vector<std::string> diagnostics;      // bad input, key table problems
};

// What is known about one frame; views valid until the state is reset.
struct FrameResults {
  std::vector<StoredMessage> messages;
  std::span<const oidu::Finding> findings;
  std::span<const std::string> diagnostics;
};

// Everything the engine needs to start on a file.
struct AnalysisSetup {
  oidu::AnalyzerConfig config;
  std::vector<oidu::KeyEntry> keys;
  std::vector<std::string> key_errors;       // shown on the first frame
};

class CaptureState {
 public:
  CaptureState();
  ~CaptureState();

  bool started() const { return analyzer_ != nullptr; }
  void start(AnalysisSetup setup);
  // Feeds frames in order; a frame at or before the last one fed is ignored, so a second
  // dissection during the first pass cannot feed it twice.
  void feed(const oidu::Frame& frame);
  // End of the sequential pass: outcomes that only the end of the capture decides
  // (incomplete procedures, timer-based failures). Idempotent.
  void finish();
  bool finished() const { return finished_; }
  std::uint64_t last_fed() const { return last_fed_; }

  FrameResults results(std::uint64_t frame) const;
  const oidu::ProcedureRecord* procedure(std::uint32_t id) const;
  const std::map<std::uint32_t, oidu::ProcedureRecord>& procedures() const { return procedures_; }
  const oidu::Summary* summary() const;

  // A new file, or new keys: forget everything.
  void reset();

 private:
  class Sink;
  void add_diagnostic(std::uint64_t frame, std::string text);

  std::unique_ptr<Sink> sink_;
  std::unique_ptr<oidu::Analyzer> analyzer_;
  MessageStore messages_;
  std::map<std::uint64_t, FrameNotes> notes_;
  std::map<std::uint32_t, oidu::ProcedureRecord> procedures_;
  std::vector<std::string> pending_key_errors_;
  std::uint64_t last_fed_ = 0;
  bool finished_ = false;
};

// The state of the file Wireshark has open (there is one at a time).
CaptureState& capture_state();

}  // namespace oidu_plugin
