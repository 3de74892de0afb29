// The JSON report: one document on stdout. Messages stream out as they are analysed;
// procedures, findings, contexts and diagnostics are spooled to a temporary file, so
// memory stays flat however long the capture.
#pragma once
#include <cstdio>
#include <ostream>
#include <string>

#include "cli/report.hpp"

namespace oidu {

class JsonReport : public Report {
 public:
  JsonReport(std::ostream& out, bool show_keys, bool several_captures, bool with_messages);
  ~JsonReport() override;

  void begin_capture(const std::string& file) override;
  void end_capture(const Summary& summary) override;
  void end() override;

  void format_message(const MessageRecord& m, std::string& out) const override;
  void on_formatted_message(const MessageRecord& m, std::string_view text) override;
  void on_procedure(const ProcedureRecord& p) override;
  void on_finding(const Finding& f) override;
  void on_diagnostic(const Diagnostic& d) override;
  void on_context(const ContextRecord& c) override;

 private:
  struct Spool {
    std::FILE* file = nullptr;
    bool empty = true;
  };
  // Appends one record's JSON (json_writer.hpp) to its section's spool.
  template <typename Record, typename... Options>
  void spool(Spool& s, const Record& record, Options... options);
  void drain(const char* key, Spool& s);

  std::ostream& out_;
  bool show_keys_;
  bool several_;
  bool with_messages_;
  bool first_capture_ = true;
  bool first_message_ = true;
  Spool procedures_, findings_, contexts_, diagnostics_;
  std::string spooled_;  // one record's JSON, reused
};

}  // namespace oidu
