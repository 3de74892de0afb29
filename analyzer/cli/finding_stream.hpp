// Findings as the engine raises them, a line each on the report's stream: for live
// capture and standard input, where the end of the report may be far away.
#pragma once
#include <ostream>

#include "analysis/analyzer.hpp"

namespace oidu {

// Passes every record on to `next` and writes each finding as it comes:
// "finding: frame 7 error ACK_MISMATCH the client acknowledges ...".
class FindingStream : public EventSink {
 public:
  FindingStream(std::ostream& out, EventSink& next) : out_(out), next_(next) {}
  void on_message(const MessageRecord& m) override { next_.on_message(m); }
  void on_procedure(const ProcedureRecord& p) override { next_.on_procedure(p); }
  void on_finding(const Finding& f) override;
  void on_diagnostic(const Diagnostic& d) override { next_.on_diagnostic(d); }
  void on_context(const ContextRecord& c) override { next_.on_context(c); }

 private:
  std::ostream& out_;
  EventSink& next_;
};

}  // namespace oidu
