// `analyze --write-decrypted OUT.pcapng`: every input frame again, each decrypted OSCORE
// message replaced by its plain inner CoAP message, with a comment naming the context.
#pragma once
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "capture/pcapng_frame_writer.hpp"

namespace oidu {

// Whether `output` is one of the `inputs` (the same file under any name): writing it would
// destroy a capture before it is read.
bool is_one_of(const std::string& output, const std::vector<std::string>& inputs);

// The CoAP message a decrypted record stands for: the outer header (type, Message ID,
// token) with the inner code, the inner options merged in number order with the outer
// ones but OSCORE (an inner option replaces outer ones of its number), and the payload.
Bytes plain_coap_message(const MessageRecord& m);

// Sits between the engine and the report, passing every event on. The frames of a batch
// are queued before the engine sees them and written once their record has come (the
// engine may hold records back) or once the engine holds no record at all: the queue
// holds what the engine holds, not the capture.
class DecryptedExport : public EventSink {
 public:
  DecryptedExport(PcapngFrameWriter& writer, EventSink& next) : writer_(writer), next_(next) {}

  // Before the first frame of each capture: its frames go to an interface of that type.
  void begin_capture(int link_type);
  // Before the engine processes `frames` (they must keep their bytes: keep_frame_bytes).
  void take(std::span<const Frame> frames);
  // After the engine processed them: with every CoAP message so far reported, nothing
  // queued waits for a record.
  void settle(std::uint64_t coap_messages_seen);
  // After Analyzer::finish(): writes what is left.
  void end_capture();
  // Frames that could not be rewritten (written unchanged), with why, for stderr.
  std::uint64_t unrewritable() const { return unrewritable_; }
  const std::string& last_problem() const { return last_problem_; }

  void on_message(const MessageRecord& m) override;
  void on_procedure(const ProcedureRecord& p) override { next_.on_procedure(p); }
  void on_finding(const Finding& f) override { next_.on_finding(f); }
  void on_diagnostic(const Diagnostic& d) override { next_.on_diagnostic(d); }
  void on_context(const ContextRecord& c) override { next_.on_context(c); }

 private:
  struct Queued {
    Frame frame;  // its views point into `bytes`
    Bytes bytes;
  };
  void write_unchanged(const Queued& q);
  void write_decrypted(const Queued& q, const MessageRecord& m);
  void pop_front();

  PcapngFrameWriter& writer_;
  EventSink& next_;
  std::uint32_t interface_ = 0;
  std::deque<Queued> queue_;
  std::deque<Queued> spare_;  // popped entries, reused for their buffers' capacity
  std::uint64_t records_ = 0;
  std::uint64_t unrewritable_ = 0;
  std::string last_problem_;
  Bytes rewritten_, plain_;
  std::string comment_;
};

}  // namespace oidu
