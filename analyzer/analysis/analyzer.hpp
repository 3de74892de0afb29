// The engine's entry point: feed frames in capture order, receive records.
//
// Memory grows with live contexts, exchanges and procedures, never with the number of
// frames: records are handed to the sink as soon as they are final and then forgotten.
#pragma once
#include <memory>
#include <span>
#include <vector>

#include "analysis/records.hpp"
#include "keys/keys.hpp"

namespace oidu {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // In frame order, once per CoAP message.
  virtual void on_message(const MessageRecord&) {}
  // When a procedure ends (success, failure, abort) or, at finish(), is incomplete.
  virtual void on_procedure(const ProcedureRecord&) {}
  // As soon as known; `frame` may be earlier than the frame being processed.
  virtual void on_finding(const Finding&) {}
  virtual void on_diagnostic(const Diagnostic&) {}
  // Every context the engine can open messages with, when it becomes known.
  virtual void on_context(const ContextRecord&) {}
};

struct AnalyzerConfig {
  std::vector<std::uint16_t> coap_ports{5683};
  bool detect_by_content = true;   // OSCORE-protected CoAP on other ports
  // ID update timers (draft-ietf-core-oscore-id-update section 2.1); REPEAT_TIMER
  // defaults to MAX_TRANSMIT_WAIT, ENDING_TIMER to 3 x REPEAT_TIMER.
  double repeat_timer_s = 93.0;
  double ending_timer_s = 279.0;
  // Counter-based variant: a peer fails after sending this many messages in the
  // procedure without completing (0 = use the timers).
  unsigned ending_counter = 0;
  std::string file;                // for diagnostics
};

struct Engine;

// Key entries shared by the analyses of several captures, not copied for each.
using SharedKeys = std::shared_ptr<const std::vector<KeyEntry>>;

class Analyzer {
 public:
  Analyzer(AnalyzerConfig config, SharedKeys keys, EventSink& sink);
  Analyzer(AnalyzerConfig config, std::vector<KeyEntry> keys, EventSink& sink);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  void process(const Frame& frame);
  // The same as process() on each frame in order, with the tables and contexts the
  // frames need loaded from memory for all of them first: faster on large captures.
  void process_batch(std::span<const Frame> frames);
  // End of input: closes open procedures as incomplete or failed (timers), emits them.
  void finish();
  const Summary& summary() const;

 private:
  std::unique_ptr<Engine> impl_;
};

}  // namespace oidu
