// `analyze --format jsonl`: one JSON object per line per event (README, "JSON lines"),
// written and flushed as the engine emits it, for jq, Elastic or Splunk to follow.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_set>

#include "cli/report.hpp"

namespace oidu {

// Version of the lines' schema, in every line's "schema": raised when a field changes
// meaning or disappears, not when one is added.
inline constexpr int kJsonlSchema = 1;

class JsonlReport : public Report {
 public:
  JsonlReport(std::ostream& out, bool show_keys, bool with_messages);

  void begin_capture(const std::string& file) override;
  void end_capture(const Summary& summary) override;

  void format_message(const MessageRecord& m, std::string& out) const override;
  void on_formatted_message(const MessageRecord& m, std::string_view text) override;
  void on_procedure(const ProcedureRecord& p) override;
  void on_finding(const Finding& f) override;
  void on_diagnostic(const Diagnostic& d) override;
  void on_context(const ContextRecord& c) override;

 private:
  // `{"type":T,"schema":N,"file":F,"KEY":`: the event's record follows under KEY, as in
  // Suricata's EVE, so that its fields are the JSON document's and cannot collide.
  void open_line(std::string& line, const char* type, const char* key) const;
  // One line: the envelope, the record's JSON (json_writer.hpp), `}`.
  template <typename Record, typename... Options>
  void write_record(const char* type, const char* key, const Record& record, Options... options);
  // From the procedure's first message, or from its end when no message names it.
  void write_procedure_start(const MessageRecord& m);
  void write_procedure_start(const ProcedureRecord& p);
  void write(const std::string& line);

  std::ostream& out_;
  bool show_keys_;
  bool with_messages_;
  std::string file_json_;  // the capture's name as a JSON string
  std::unordered_set<std::uint32_t> started_;  // procedures whose start was written
  std::string line_;       // reused for each line
};

}  // namespace oidu
