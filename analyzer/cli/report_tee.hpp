// Two reports of one run (`--html FILE` beside another format): both take every event in
// order; the first one's messages are formatted ahead on the --jobs threads, the second's
// as it takes them.
#pragma once
#include "cli/report.hpp"

namespace oidu {

class ReportTee : public Report {
 public:
  ReportTee(Report& first, Report& second) : first_(first), second_(second) {}

  void begin_capture(const std::string& file) override {
    first_.begin_capture(file);
    second_.begin_capture(file);
  }
  void end_capture(const Summary& summary) override {
    first_.end_capture(summary);
    second_.end_capture(summary);
  }
  void end() override {
    first_.end();
    second_.end();
  }
  void format_message(const MessageRecord& m, std::string& out) const override { first_.format_message(m, out); }
  void on_formatted_message(const MessageRecord& m, std::string_view text) override {
    first_.on_formatted_message(m, text);
    second_.on_message(m);
  }
  void on_procedure(const ProcedureRecord& p) override {
    first_.on_procedure(p);
    second_.on_procedure(p);
  }
  void on_finding(const Finding& f) override {
    first_.on_finding(f);
    second_.on_finding(f);
  }
  void on_diagnostic(const Diagnostic& d) override {
    first_.on_diagnostic(d);
    second_.on_diagnostic(d);
  }
  void on_context(const ContextRecord& c) override {
    first_.on_context(c);
    second_.on_context(c);
  }

 private:
  Report& first_;
  Report& second_;
};

}  // namespace oidu
