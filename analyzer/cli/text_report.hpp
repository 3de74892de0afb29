// The report for people: one line per CoAP message as it is analysed, then each
// procedure as a sequence chart in the style of the drafts' figures, then the findings
// and a summary.
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/report.hpp"

namespace oidu {

class TextReport : public Report {
 public:
  TextReport(std::ostream& out, bool show_keys, bool with_messages);

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
  std::ostream& out_;
  bool show_keys_;
  bool with_messages_;
  std::map<std::uint32_t, std::vector<ChartRow>> rows_;  // procedure id -> its messages
  std::vector<ProcedureRecord> procedures_;
  std::vector<Finding> findings_;
};

}  // namespace oidu
