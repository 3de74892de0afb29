// `oscore-idu analyze` at run time: keys and inputs checked, each input (capture file,
// standard input, or an interface) through its own Analyzer into the report, then the
// decryption advice and the exit status. Unusable inputs are named and skipped, and
// make the exit status 2 once everything usable has been reported.
#include <fstream>
#include <iostream>
#include <memory>

#include "analysis/analyzer.hpp"
#include "cli/analyze_options.hpp"
#include "cli/capture_problems.hpp"
#include "cli/decrypted_export.hpp"
#include "cli/decryption_advice.hpp"
#include "cli/finding_stream.hpp"
#include "cli/html_report.hpp"
#include "cli/inputs.hpp"
#include "cli/json_report.hpp"
#include "cli/jsonl_report.hpp"
#include "cli/left_to_exit.hpp"
#include "cli/live_capture.hpp"
#include "cli/report_pipeline.hpp"
#include "cli/report_tee.hpp"
#include "cli/stop_signal.hpp"
#include "cli/text_layout.hpp"
#include "cli/text_report.hpp"

namespace oidu {
namespace {

// Counts what the front end saw, on top of whichever report is writing, and lets the
// decryption advice see every record.
class Tally : public EventSink {
 public:
  Tally(EventSink& report, DecryptionAdvice& advice) : report_(report), advice_(advice) {}
  void on_message(const MessageRecord& m) override {
    advice_.on_message(m);
    report_.on_message(m);
  }
  void on_procedure(const ProcedureRecord& p) override { report_.on_procedure(p); }
  void on_finding(const Finding& f) override {
    worst = std::max(worst, static_cast<int>(f.severity));
    report_.on_finding(f);
  }
  void on_diagnostic(const Diagnostic& d) override { report_.on_diagnostic(d); }
  void on_context(const ContextRecord& c) override {
    advice_.on_context(c);
    report_.on_context(c);
  }
  int worst = -1;

 private:
  EventSink& report_;
  DecryptionAdvice& advice_;
};

int threshold(const std::string& fail_on) {
  if (fail_on == "info") return static_cast<int>(Severity::Info);
  if (fail_on == "warning") return static_cast<int>(Severity::Warning);
  if (fail_on == "error") return static_cast<int>(Severity::Error);
  return 99;  // never
}

AnalyzerConfig analyzer_config(const AnalyzeOptions& o) {
  AnalyzerConfig config;
  for (auto p : o.ports) config.coap_ports.push_back(p);
  config.detect_by_content = !o.no_content_detection;
  config.repeat_timer_s = o.repeat_timer;
  config.ending_timer_s = o.ending_timer > 0 ? o.ending_timer : 3 * o.repeat_timer;
  config.ending_counter = o.ending_counter;
  return config;
}

// One input: where frames come from, and what went wrong while reading them.
struct Input {
  std::string label;
  CaptureReader* file = nullptr;
  LiveCapture* live = nullptr;
  bool last = true;  // no input follows: the process ends with this one
};

class Run {
 public:
  Run(const AnalyzeOptions& o, SharedKeys keys, bool several, bool streaming)
      : o_(o), keys_(std::move(keys)), streaming_(streaming), advice_(*keys_), config_(analyzer_config(o)) {
    // Output files first: a report may write its first bytes as it is made. Until
    // open_outputs() has said so, nothing is written where it cannot go.
    out_ = open_file(o.output, output_file_);
    html_out_ = open_file(o.html, html_file_);
    const std::vector<std::string> captures =
        o.interface.empty() ? o.captures : std::vector<std::string>{"live:" + o.interface};
    if (o.format == "json") {
      report_ = std::make_unique<JsonReport>(*out_, o.show_keys, several, !o.no_messages);
    } else if (o.format == "jsonl") {
      report_ = std::make_unique<JsonlReport>(*out_, o.show_keys, !o.no_messages);
    } else if (o.format == "html") {
      report_ = html_report(*out_, captures);
    } else {
      report_ = std::make_unique<TextReport>(
          *out_, TextReportOptions{.show_keys = o.show_keys, .with_messages = !o.no_messages, .wide = o.wide,
                                   .colour = o.output.empty() ? colour_wanted(o.colour) : o.colour == "always", .captures = captures,
                                   .key_files = o.key_files});
    }
    if (!o.html.empty()) {
      html_report_ = html_report(*html_out_, captures);
      tee_ = std::make_unique<ReportTee>(*report_, *html_report_);
    }
    Report& report = tee_ ? static_cast<Report&>(*tee_) : *report_;
    // With one job the engine calls the report directly; with more, through the pipeline.
    // Streaming writes findings from the engine's thread, so it keeps to one. Without
    // messages there is nothing to format, and the pipeline would only make the engine's
    // thread copy every message record for the few the reports read.
    if (o.jobs > 1 && !streaming && !o.no_messages) pipeline_ = std::make_unique<ReportPipeline>(report, o.jobs);
  }

  // -o and --html: false (and a message) when a file cannot be written.
  bool open_outputs() const {
    for (const auto* path : {&o_.output, &o_.html}) {
      if (path->empty()) continue;
      if (is_one_of(*path, o_.captures)) {
        std::cerr << "oscore-idu: " << *path << ": is also a capture to read; not overwriting it\n";
        return false;
      }
    }
    for (const auto& [path, file] : {std::pair{&o_.output, &output_file_}, std::pair{&o_.html, &html_file_}}) {
      if (!path->empty() && !file->is_open()) {
        std::cerr << "oscore-idu: " << *path << ": cannot be written\n";
        return false;
      }
    }
    return true;
  }

  // --write-decrypted: false (and a message) when the file cannot be written.
  bool open_export() {
    if (o_.write_decrypted.empty()) return true;
    if (is_one_of(o_.write_decrypted, o_.captures)) {
      std::cerr << "oscore-idu: " << o_.write_decrypted << ": is also a capture to read; not overwriting it\n";
      return false;
    }
    std::string error;
    decrypted_out_ = PcapngFrameWriter::create(o_.write_decrypted, &error);
    if (!decrypted_out_) {
      std::cerr << "oscore-idu: " << error << "\n";
      return false;
    }
    return true;
  }

  void analyze(const Input& input) {
    Report& whole = tee_ ? static_cast<Report&>(*tee_) : *report_;
    EventSink& report = pipeline_ ? static_cast<EventSink&>(*pipeline_) : static_cast<EventSink&>(whole);
    FindingStream findings(*out_, report);
    const bool stream_findings = streaming_ && o_.format == "text";
    EventSink& sink = stream_findings ? static_cast<EventSink&>(findings) : report;
    // The export sees every record before the report, and the frames before the engine.
    std::unique_ptr<DecryptedExport> exporter;
    if (decrypted_out_) {
      exporter = std::make_unique<DecryptedExport>(*decrypted_out_, sink);
      if (input.file) input.file->keep_frame_bytes(true);
      exporter->begin_capture(input.file ? input.file->link_type() : input.live->link_type());
    }
    config_.file = input.label;
    whole.begin_capture(input.label);
    advice_.begin_capture(input.label);
    Tally tally(exporter ? static_cast<EventSink&>(*exporter) : sink, advice_);
    auto owned = std::make_unique<Analyzer>(config_, keys_, tally);
    Analyzer& analyzer = *owned;
    const auto one = [&](const Frame& frame) {
      if (exporter) exporter->take(std::span<const Frame>(&frame, 1));
      analyzer.process(frame);
      if (exporter) exporter->settle(analyzer.summary().coap_messages);
      out_->flush();
    };
    std::string error;
    if (input.live) {
      Frame frame;
      while (input.live->next(frame)) one(frame);
      error = input.live->error();
    } else if (streaming_) {
      Frame frame;
      while (!stop_requested() && input.file->next(frame)) one(frame);
      // A stop signal interrupts the read; that is the end the user asked for.
      if (!stop_requested() && !input.file->error().empty()) {
        error = describe_read_error(input.file->path(), input.file->error(), analyzer.summary().frames);
      }
    } else {
      FrameBatch batch;
      while (input.file->next_batch(batch)) {
        if (exporter) exporter->take(batch.frames());
        analyzer.process_batch(batch.frames());
        if (exporter) exporter->settle(analyzer.summary().coap_messages);
      }
      if (!input.file->error().empty()) {
        error = describe_read_error(input.file->path(), input.file->error(), analyzer.summary().frames);
      }
    }
    if (!error.empty()) {
      std::cerr << "oscore-idu: " << input.label << ": " << error << "\n";
      tally.on_diagnostic(Diagnostic{input.label, 0, error});
      read_error_ = true;
    }
    analyzer.finish();
    if (exporter) {
      exporter->end_capture();
      unrewritable_ += exporter->unrewritable();
      if (exporter->unrewritable() > 0) last_export_problem_ = exporter->last_problem();
    }
    if (pipeline_) pipeline_->drain();
    whole.end_capture(analyzer.summary());
    const Summary& s = analyzer.summary();
    if (s.bad_frames + s.malformed > 0) {
      std::cerr << "oscore-idu: " << input.label << ": " << s.bad_frames << " bad frames, " << s.malformed
                << " malformed messages (see diagnostics)\n";
    }
    worst_ = std::max(worst_, tally.worst);
    if (input.last) leave_to_exit(std::move(owned));
  }

  // After the last input: the report's end, the advice, the exit status.
  int finish(bool inputs_missing) {
    (tee_ ? static_cast<Report&>(*tee_) : *report_).end();
    out_->flush();
    for (auto* file : {&output_file_, &html_file_}) {
      if (file->is_open() && !file->flush()) {
        std::cerr << "oscore-idu: " << (file == &output_file_ ? o_.output : o_.html) << ": write failed\n";
        return 2;
      }
    }
    for (const auto& line : advice_.lines()) std::cerr << "oscore-idu: " << line << "\n";
    if (unrewritable_ > 0) {
      std::cerr << "oscore-idu: " << o_.write_decrypted << ": " << unrewritable_
                << " decrypted frames written unchanged (last: " << last_export_problem_ << ")\n";
    }
    if (decrypted_out_) {
      std::string error;
      if (!decrypted_out_->close(&error)) {
        std::cerr << "oscore-idu: " << error << "\n";
        return 2;
      }
    }
    if (inputs_missing || read_error_) return 2;
    return worst_ >= threshold(o_.fail_on) ? 1 : 0;
  }

 private:
  // The stream a report writes to: stdout, the opened file, or (a file that could not be
  // opened, or is a capture) nowhere.
  std::ostream* open_file(const std::string& path, std::ofstream& file) {
    if (path.empty()) return &std::cout;
    if (!is_one_of(path, o_.captures)) file.open(path, std::ios::binary | std::ios::trunc);
    return file.is_open() ? static_cast<std::ostream*>(&file) : &nowhere_;
  }
  std::unique_ptr<Report> html_report(std::ostream& out, const std::vector<std::string>& captures) const {
    return std::make_unique<HtmlReport>(out, HtmlReportOptions{.show_keys = o_.show_keys,
                                                               .with_messages = !o_.no_messages,
                                                               .with_truth = !o_.key_files.empty(),
                                                               .captures = captures,
                                                               .key_files = o_.key_files});
  }

  const AnalyzeOptions& o_;
  SharedKeys keys_;
  bool streaming_;
  DecryptionAdvice advice_;
  AnalyzerConfig config_;
  std::ofstream output_file_, html_file_;
  std::ostream nowhere_{nullptr};
  std::ostream* out_ = &std::cout;
  std::ostream* html_out_ = &std::cout;
  std::unique_ptr<Report> report_, html_report_;
  std::unique_ptr<ReportTee> tee_;  // both reports, when --html is beside another format
  std::unique_ptr<ReportPipeline> pipeline_;
  std::unique_ptr<PcapngFrameWriter> decrypted_out_;
  std::uint64_t unrewritable_ = 0;
  std::string last_export_problem_;
  int worst_ = -1;
  bool read_error_ = false;
};

int run_live(const AnalyzeOptions& o, SharedKeys keys) {
  LiveOptions live_options{o.interface, o.filter.empty() ? default_live_filter(o.ports) : o.filter, o.count,
                           o.duration};
  std::string error;
  auto live = LiveCapture::open(live_options, &error);
  if (!live) {
    std::cerr << "oscore-idu: " << error << "\n";
    return 2;
  }
  catch_stop_signals();
  // The line a script (or a test) waits for before it sends.
  std::cerr << "oscore-idu: capturing on " << o.interface << " (filter: " << live->filter() << ")" << std::endl;
  Run run(o, std::move(keys), false, true);
  if (!run.open_outputs() || !run.open_export()) return 2;
  run.analyze(Input{"live:" + o.interface, nullptr, live.get()});
  return run.finish(false);
}

}  // namespace

int run_analyze(const AnalyzeOptions& o) {
  auto loaded = load_keys(o.key_files);
  if (!loaded) return 2;
  auto keys = std::make_shared<const std::vector<KeyEntry>>(std::move(*loaded));
  if (!o.interface.empty()) return run_live(o, std::move(keys));
  OpenedCaptures opened = open_captures(o.captures);
  if (opened.readers.empty()) return 2;
  bool from_stdin = false;
  for (const auto& reader : opened.readers) from_stdin = from_stdin || reader->path() == "-";
  if (from_stdin) catch_stop_signals();
  // The layout follows what was asked for, not what could be opened, so that tools
  // reading the JSON see the same shape whichever file is broken today.
  Run run(o, std::move(keys), o.captures.size() > 1, from_stdin);
  if (!run.open_outputs() || !run.open_export()) return 2;
  for (auto& reader : opened.readers) {
    run.analyze(Input{capture_label(reader->path()), reader.get(), nullptr, reader == opened.readers.back()});
  }
  return run.finish(opened.unusable > 0);
}

}  // namespace oidu
