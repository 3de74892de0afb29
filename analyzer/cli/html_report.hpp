// The HTML report: one self-contained file per run (inline CSS, SVG and a little script,
// nothing fetched) with per capture its summary, a sequence diagram per procedure, the
// findings, the messages, a context timeline per peer pair and the observer's identities.
#pragma once
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cli/report.hpp"

namespace oidu {

// What the report keeps of a capture is bounded by these, whatever its size (README, "The
// HTML report"): a capture of more messages than kHtmlMessageRows gets message counts
// instead of its message table; each procedure draws at most kHtmlArrows messages; the rest
// are listed or counted. So a capture's part of the file stays under kHtmlBytesBound.
inline constexpr std::size_t kHtmlMessageRows = 5000;
inline constexpr std::size_t kHtmlDiagrams = 100;
inline constexpr std::size_t kHtmlArrows = 50;
inline constexpr std::size_t kHtmlFindingRows = 2000;
inline constexpr std::size_t kHtmlProcedureRows = 2000;  // procedures listed without a diagram
inline constexpr std::size_t kHtmlTimelines = 20;        // peer pairs with a timeline
inline constexpr std::size_t kHtmlSegments = 50;        // context changes drawn per peer
inline constexpr std::size_t kHtmlIdentities = 60;
inline constexpr std::size_t kHtmlLinks = 200;            // observer links drawn
inline constexpr std::size_t kHtmlCellColumns = 240;      // a message cell's text (options, problem)
inline constexpr std::size_t kHtmlContextRows = 500;
inline constexpr std::size_t kHtmlDiagnosticRows = 200;
inline constexpr std::size_t kHtmlBytesBound = 16u << 20;

struct HtmlReportOptions {
  bool show_keys = false;      // Master Secrets and Salts in the contexts table
  bool with_messages = true;   // false: no message table (--no-messages)
  bool with_truth = false;     // keys were given: the observer's links against the real changes
  std::vector<std::string> captures, key_files;
};

struct HtmlCapture;  // what the report keeps of the capture being read

class HtmlReport : public Report {
 public:
  HtmlReport(std::ostream& out, HtmlReportOptions options);
  ~HtmlReport() override;

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
  void begin_document();

  std::ostream& out_;
  HtmlReportOptions options_;
  bool document_begun_ = false;
  std::size_t captures_begun_ = 0;
  // Before every id of the capture's section, so that a run's sections never share one:
  // "" for the first capture (id="frame-12"), "c2-" for the second.
  std::string id_prefix_;
  std::unique_ptr<HtmlCapture> capture_;
};

}  // namespace oidu
