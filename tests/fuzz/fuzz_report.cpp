// The whole analysis down to the reports (input format in fuzz_frames.hpp): the engine's
// records of arbitrary traffic go through the JSON, JSON-lines and text reports, as the CLI
// writes them. The JSON document must parse and hold one entry per message; every JSON
// line must parse, one message line per message; each message's text must be one line, or
// (too wide for 120 columns) two with the second indented, so no value can forge lines.
#include <array>
#include <initializer_list>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/json_report.hpp"
#include "cli/jsonl_report.hpp"
#include "cli/text_report.hpp"
#include "fuzz_check.hpp"
#include "fuzz_frames.hpp"

namespace oidu::fuzz {

// One line, or a line and an indented continuation (text_report.cpp splits messages that
// do not fit 120 columns).
bool one_message_in_text(const std::string& text) {
  if (text.empty() || text.back() != '\n') return false;
  const std::size_t first_end = text.find('\n');
  if (first_end == text.size() - 1) return true;
  return text.find('\n', first_end + 1) == text.size() - 1 && text.compare(first_end + 1, 7, "       ") == 0;
}

// Hands every event to every report, and checks each message's text on the way.
class AllReports : public EventSink {
 public:
  AllReports(Report& json, Report& jsonl, TextReport& text) : json_(json), jsonl_(jsonl), text_(text) {}
  std::size_t messages = 0;

  void on_message(const MessageRecord& m) override {
    ++messages;
    json_.on_message(m);
    jsonl_.on_message(m);
    line_.clear();
    text_.format_message(m, line_);
    check(one_message_in_text(line_), "a message's text is neither one line nor one with its continuation");
    text_.on_formatted_message(m, line_);
  }
  void on_procedure(const ProcedureRecord& p) override {
    for (Report* r : reports()) r->on_procedure(p);
  }
  void on_finding(const Finding& f) override {
    for (Report* r : reports()) r->on_finding(f);
  }
  void on_diagnostic(const Diagnostic& d) override {
    for (Report* r : reports()) r->on_diagnostic(d);
  }
  void on_context(const ContextRecord& c) override {
    for (Report* r : reports()) r->on_context(c);
  }

 private:
  std::array<Report*, 3> reports() { return {&json_, &jsonl_, &text_}; }
  Report& json_;
  Report& jsonl_;
  TextReport& text_;
  std::string line_;
};

inline void report_one(const std::uint8_t* data, std::size_t size) {
  if (fuzz_keys().empty()) fail("the libcoap-oscore keys did not load");
  AnalyzerConfig config;
  config.file = "fuzz";
  std::ostringstream json_out, jsonl_out, text_out;
  JsonReport json(json_out, false, false, true);
  JsonlReport jsonl(jsonl_out, false, true);
  TextReport text(text_out, false, true);
  for (Report* r : std::initializer_list<Report*>{&json, &jsonl, &text}) r->begin_capture(config.file);
  AllReports all(json, jsonl, text);
  Analyzer analyzer(config, fuzz_keys(), all);
  analyzer.process_batch(frames_of(data, size));
  analyzer.finish();
  for (Report* r : std::initializer_list<Report*>{&json, &jsonl, &text}) {
    r->end_capture(analyzer.summary());
    r->end();
  }

  const auto document = nlohmann::json::parse(json_out.str(), nullptr, false);
  check(!document.is_discarded(), "the JSON report does not parse");
  check(document["messages"].size() == all.messages, "the JSON report lost or invented messages");
  std::istringstream lines(jsonl_out.str());
  std::size_t message_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    check(!event.is_discarded() && event.is_object(), "a JSON line does not parse");
    if (event.value("type", "") == "message") ++message_lines;
  }
  check(message_lines == all.messages, "the JSON lines lost or invented messages");
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::report_one)
