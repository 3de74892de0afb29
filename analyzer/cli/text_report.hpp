// The report for people: a header, one line per CoAP message as it is analysed, then
// each procedure as a sequence chart in the style of the drafts' figures, then the
// findings and a summary; lines fit 120 columns unless --wide.
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/report.hpp"

namespace oidu {

struct TextReportOptions {
  bool show_keys = false;
  bool with_messages = true;
  bool wide = false;    // no line is shortened to kTextWidth (text_layout.hpp)
  bool colour = false;  // ANSI colours for severities and outcomes
  // For the header line; no header when there are no captures.
  std::vector<std::string> captures, key_files;
};

class TextReport : public Report {
 public:
  TextReport(std::ostream& out, TextReportOptions options);
  TextReport(std::ostream& out, bool show_keys, bool with_messages)
      : TextReport(out, TextReportOptions{.show_keys = show_keys, .with_messages = with_messages, .wide = false,
                                          .colour = false, .captures = {}, .key_files = {}}) {}

  void begin_capture(const std::string& file) override;
  void end_capture(const Summary& summary) override;

  void format_message(const MessageRecord& m, std::string& out) const override;
  void on_formatted_message(const MessageRecord& m, std::string_view text) override;
  void on_procedure(const ProcedureRecord& p) override;
  void on_finding(const Finding& f) override;
  void on_diagnostic(const Diagnostic& d) override;
  void on_context(const ContextRecord& c) override;

 private:
  struct ChartRow {
    std::uint64_t frame;
    bool from_client;
    std::string label;     // code and ID-update options
    std::string context;
    std::string note;      // role
  };
  // A line of the report, shortened or wrapped to fit unless --wide.
  void put_wrapped(const std::string& line, std::size_t indent);
  void put_chart_heading(const ProcedureRecord& p);

  std::ostream& out_;
  TextReportOptions options_;
  bool header_written_ = false;
  std::map<std::uint32_t, std::vector<ChartRow>> rows_;  // procedure id -> its messages
  std::vector<ProcedureRecord> procedures_;
  std::vector<Finding> findings_;
};

}  // namespace oidu
