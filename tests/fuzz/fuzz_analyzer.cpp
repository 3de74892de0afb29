// The whole engine on arbitrary traffic (the input format is in fuzz_frames.hpp): its
// records come in frame order, and the batched run emits exactly what the per-frame run does.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/finding_catalogue.hpp"
#include "fuzz_check.hpp"
#include "fuzz_frames.hpp"

namespace oidu::fuzz {

// Checks what the engine promises about the order of its records.
class CheckingSink : public EventSink {
 public:
  std::uint64_t current_frame = 0;
  std::uint64_t last_message_frame = 0;

  void on_message(const MessageRecord& m) override {
    check(m.frame <= current_frame, "a message record for a frame not yet processed");
    check(m.frame >= last_message_frame, "message records out of frame order");
    last_message_frame = m.frame;
    (void)message_kind_name(m.kind);
    (void)decrypt_status_name(m.status);
  }
  void on_finding(const Finding& f) override {
    check(f.frame <= current_frame, "a finding about a frame not yet processed");
    check(static_cast<std::size_t>(f.code) < kFindingCodes, "a finding outside the catalogue");
  }
};

// Records what the engine emits, to compare two runs over the same frames.
class TranscriptSink : public CheckingSink {
 public:
  std::string transcript;

  void on_message(const MessageRecord& m) override {
    CheckingSink::on_message(m);
    transcript += "message " + std::to_string(m.frame) + " " + decrypt_status_name(m.status) + " " +
                  m.context + " " + m.problem + "\n";
  }
  void on_finding(const Finding& f) override {
    CheckingSink::on_finding(f);
    transcript += std::string("finding ") + finding_name(f.code) + " " + std::to_string(f.frame) + " " + f.message + "\n";
  }
  void on_procedure(const ProcedureRecord& p) override {
    transcript += "procedure " + std::to_string(p.id) + " " + procedure_type_name(p.type) + " " + outcome_name(p.outcome) + "\n";
  }
  void on_context(const ContextRecord& c) override { transcript += "context " + c.name + "\n"; }
};

inline void analyzer_one(const std::uint8_t* data, std::size_t size) {
  if (fuzz_keys().empty()) fail("the libcoap-oscore keys did not load");
  AnalyzerConfig config;
  config.file = "fuzz";
  const std::vector<Frame> frames = frames_of(data, size);

  // One frame at a time, as the Wireshark plugin drives the engine.
  TranscriptSink single;
  Analyzer one(config, fuzz_keys(), single);
  for (const Frame& frame : frames) {
    single.current_frame = frame.number;
    one.process(frame);
  }
  one.finish();
  const Summary& s = one.summary();
  check(s.decrypted <= s.oscore_messages, "more messages decrypted than OSCORE messages seen");

  // In batches, as the CLI does: prefetching must not change a thing.
  TranscriptSink batched;
  batched.current_frame = frames.size();
  Analyzer batch(config, fuzz_keys(), batched);
  batch.process_batch(frames);
  batch.finish();
  check(batched.transcript == single.transcript, "process_batch and process disagree");
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::analyzer_one)
