// The whole analysis down to the reports (input format in fuzz_frames.hpp): the engine's
// records of arbitrary traffic go through the JSON and the text report, as the CLI writes
// them. The JSON document must parse and hold one entry per message; each message's text
// must be one line, so that no value can forge report lines.
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/json_report.hpp"
#include "cli/text_report.hpp"
#include "fuzz_check.hpp"
#include "fuzz_frames.hpp"

namespace oidu::fuzz {

// Hands every event to both reports, and checks each message's text on the way.
class BothReports : public EventSink {
 public:
  BothReports(Report& json, TextReport& text) : json_(json), text_(text) {}
  std::size_t messages = 0;

  void on_message(const MessageRecord& m) override {
    ++messages;
    json_.on_message(m);
    line_.clear();
    text_.format_message(m, line_);
    check(!line_.empty() && line_.back() == '\n' && line_.find('\n') == line_.size() - 1,
          "a message's text is not exactly one line");
    text_.on_formatted_message(m, line_);
  }
  void on_procedure(const ProcedureRecord& p) override {
    json_.on_procedure(p);
    text_.on_procedure(p);
  }
  void on_finding(const Finding& f) override {
    json_.on_finding(f);
    text_.on_finding(f);
  }
  void on_diagnostic(const Diagnostic& d) override {
    json_.on_diagnostic(d);
    text_.on_diagnostic(d);
  }
  void on_context(const ContextRecord& c) override {
    json_.on_context(c);
    text_.on_context(c);
  }

 private:
  Report& json_;
  TextReport& text_;
  std::string line_;
};

inline void report_one(const std::uint8_t* data, std::size_t size) {
  if (fuzz_keys().empty()) fail("the libcoap-oscore keys did not load");
  AnalyzerConfig config;
  config.file = "fuzz";
  std::ostringstream json_out, text_out;
  JsonReport json(json_out, false, false, true);
  TextReport text(text_out, false, true);
  json.begin_capture(config.file);
  text.begin_capture(config.file);
  BothReports both(json, text);
  Analyzer analyzer(config, fuzz_keys(), both);
  analyzer.process_batch(frames_of(data, size));
  analyzer.finish();
  json.end_capture(analyzer.summary());
  json.end();
  text.end_capture(analyzer.summary());
  text.end();

  const auto document = nlohmann::json::parse(json_out.str(), nullptr, false);
  check(!document.is_discarded(), "the JSON report does not parse");
  check(document["messages"].size() == both.messages, "the JSON report lost or invented messages");
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::report_one)
