#include "cli/analyze_command.hpp"

#include <iostream>
#include <memory>

#include "analysis/analyzer.hpp"
#include "cli/decrypted_export.hpp"
#include "cli/inputs.hpp"
#include "cli/json_report.hpp"
#include "cli/jsonl_report.hpp"
#include "cli/report_pipeline.hpp"
#include "cli/text_layout.hpp"
#include "cli/text_report.hpp"

namespace oidu {
namespace {

struct AnalyzeOptions {
  std::vector<std::string> key_files;
  std::vector<std::string> captures;
  std::string format = "text";
  std::vector<std::uint16_t> ports;
  bool no_content_detection = false;
  double repeat_timer = 93.0;
  double ending_timer = 0.0;   // 0: 3 x repeat timer
  unsigned ending_counter = 0;
  std::string fail_on = "error";
  bool show_keys = false;
  bool no_messages = false;
  unsigned jobs = 1;
  std::string write_decrypted;  // OUT.pcapng, or empty
  bool wide = false;
  std::string colour = "auto";
};

// Counts what the front end saw, on top of whichever report is writing.
class Tally : public EventSink {
 public:
  explicit Tally(EventSink& report) : report_(report) {}
  void on_message(const MessageRecord& m) override { report_.on_message(m); }
  void on_procedure(const ProcedureRecord& p) override { report_.on_procedure(p); }
  void on_finding(const Finding& f) override {
    worst = std::max(worst, static_cast<int>(f.severity));
    report_.on_finding(f);
  }
  void on_diagnostic(const Diagnostic& d) override { report_.on_diagnostic(d); }
  void on_context(const ContextRecord& c) override { report_.on_context(c); }
  int worst = -1;

 private:
  EventSink& report_;
};

int threshold(const std::string& fail_on) {
  if (fail_on == "info") return static_cast<int>(Severity::Info);
  if (fail_on == "warning") return static_cast<int>(Severity::Warning);
  if (fail_on == "error") return static_cast<int>(Severity::Error);
  return 99;  // never
}

int run_analyze(const AnalyzeOptions& o) {
  const auto keys = load_keys(o.key_files);
  if (!keys) return 2;
  // Open every capture first: an unusable file fails the run before any output.
  auto opened = open_captures(o.captures);
  if (!opened) return 2;
  auto& readers = *opened;

  AnalyzerConfig config;
  if (!o.ports.empty()) {
    for (auto p : o.ports) config.coap_ports.push_back(p);
  }
  config.detect_by_content = !o.no_content_detection;
  config.repeat_timer_s = o.repeat_timer;
  config.ending_timer_s = o.ending_timer > 0 ? o.ending_timer : 3 * o.repeat_timer;
  config.ending_counter = o.ending_counter;

  std::unique_ptr<Report> report;
  if (o.format == "json") {
    report = std::make_unique<JsonReport>(std::cout, o.show_keys, readers.size() > 1, !o.no_messages);
  } else if (o.format == "jsonl") {
    report = std::make_unique<JsonlReport>(std::cout, o.show_keys, !o.no_messages);
  } else {
    report = std::make_unique<TextReport>(
        std::cout, TextReportOptions{.show_keys = o.show_keys, .with_messages = !o.no_messages, .wide = o.wide,
                                     .colour = colour_wanted(o.colour), .captures = o.captures,
                                     .key_files = o.key_files});
  }
  // With one job the engine calls the report directly; with more, through the pipeline.
  std::unique_ptr<ReportPipeline> pipeline;
  if (o.jobs > 1) pipeline = std::make_unique<ReportPipeline>(*report, o.jobs);
  EventSink& sink = pipeline ? static_cast<EventSink&>(*pipeline) : static_cast<EventSink&>(*report);
  std::unique_ptr<PcapngFrameWriter> decrypted_out;
  std::unique_ptr<DecryptedExport> exporter;
  if (!o.write_decrypted.empty()) {
    if (is_one_of(o.write_decrypted, o.captures)) {
      std::cerr << "oscore-idu: " << o.write_decrypted << ": is also a capture to read; not overwriting it\n";
      return 2;
    }
    std::string error;
    decrypted_out = PcapngFrameWriter::create(o.write_decrypted, &error);
    if (!decrypted_out) {
      std::cerr << "oscore-idu: " << error << "\n";
      return 2;
    }
    exporter = std::make_unique<DecryptedExport>(*decrypted_out, sink);
  }
  int worst = -1;
  bool read_error = false;
  for (auto& reader : readers) {
    config.file = reader->path();
    report->begin_capture(reader->path());
    if (exporter) {
      reader->keep_frame_bytes(true);
      exporter->begin_capture(reader->link_type());
    }
    Tally tally(exporter ? static_cast<EventSink&>(*exporter) : sink);
    Analyzer analyzer(config, *keys, tally);
    FrameBatch batch;
    while (reader->next_batch(batch)) {
      if (exporter) exporter->take(batch.frames());
      analyzer.process_batch(batch.frames());
      if (exporter) exporter->settle(analyzer.summary().coap_messages);
    }
    if (!reader->error().empty()) {
      std::cerr << "oscore-idu: " << reader->path() << ": " << reader->error() << "\n";
      tally.on_diagnostic(Diagnostic{reader->path(), 0, reader->error()});
      read_error = true;
    }
    analyzer.finish();
    if (exporter) exporter->end_capture();
    if (pipeline) pipeline->drain();
    report->end_capture(analyzer.summary());
    const Summary& s = analyzer.summary();
    if (s.bad_frames + s.malformed > 0) {
      std::cerr << "oscore-idu: " << reader->path() << ": " << s.bad_frames << " bad frames, "
                << s.malformed << " malformed messages (see diagnostics)\n";
    }
    worst = std::max(worst, tally.worst);
  }
  report->end();
  if (exporter && exporter->unrewritable() > 0) {
    std::cerr << "oscore-idu: " << o.write_decrypted << ": " << exporter->unrewritable()
              << " decrypted frames written unchanged (last: " << exporter->last_problem() << ")\n";
  }
  if (decrypted_out) {
    std::string error;
    if (!decrypted_out->close(&error)) {
      std::cerr << "oscore-idu: " << error << "\n";
      return 2;
    }
  }
  if (read_error) return 2;
  return worst >= threshold(o.fail_on) ? 1 : 0;
}

}  // namespace

void add_analyze_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand("analyze", "Decrypt OSCORE, rebuild ID-update and KUDOS procedures, report findings");
  cmd->add_option("captures", options->captures, "pcap or pcapng files")->required()->check(CLI::ExistingFile);
  cmd->add_option("-k,--keys", options->key_files,
                  "key file (Wireshark oscore_contexts, libcoap oscore_conf, or JSON); repeatable")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);  // one file per --keys, so captures can follow
  cmd->add_option("-f,--format", options->format, "output format")->check(CLI::IsMember({"text", "json", "jsonl"}));
  cmd->add_option("-p,--port", options->ports, "UDP port carrying CoAP, besides 5683; repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("--no-content-detection", options->no_content_detection,
                "only decode the configured ports, not OSCORE recognised by content");
  cmd->add_option("--repeat-timer", options->repeat_timer, "REPEAT_TIMER in seconds (default MAX_TRANSMIT_WAIT = 93)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ending-timer", options->ending_timer, "ENDING_TIMER in seconds (default 3 x REPEAT_TIMER)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ending-counter", options->ending_counter,
                  "counter-based variant: a peer fails after sending more than N messages without completing");
  cmd->add_option("--fail-on", options->fail_on, "exit 1 when a finding of this severity or above exists")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  cmd->add_flag("--no-messages", options->no_messages,
                "leave the per-message part out: procedures, findings and summary only");
  cmd->add_flag("--show-keys", options->show_keys, "include Master Secrets and Salts of every context in the report");
  cmd->add_flag("--wide", options->wide, "text: do not shorten lines to 120 columns");
  cmd->add_option("--color", options->colour,
                  "text: colour severities and outcomes (auto: on a terminal, unless NO_COLOR)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_option("--write-decrypted", options->write_decrypted,
                  "write every frame to this pcapng, decrypted OSCORE messages as their plain CoAP");
  cmd->add_option("-j,--jobs", options->jobs,
                  "threads (default 1): the engine runs on one, the report is written on another, messages are "
                  "formatted on the rest; the output is the same for any N")
      ->check(CLI::Range(1u, 64u));
  cmd->callback([options, &exit_status] { exit_status = run_analyze(*options); });
}

}  // namespace oidu
