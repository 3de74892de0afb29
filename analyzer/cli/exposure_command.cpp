#include "cli/exposure_command.hpp"

#include <iostream>
#include <memory>

#include "analysis/analyzer.hpp"
#include "cli/capture_problems.hpp"
#include "cli/inputs.hpp"
#include "cli/exposure_report.hpp"

namespace oidu {
namespace {

struct ExposureOptions {
  std::vector<std::string> key_files;
  std::vector<std::string> captures;
  std::string format = "text";
  std::vector<std::uint16_t> ports;
  double window = 30.0;
};

// The engine's records feed the observer, which reads only their clear fields; with keys
// the same records give the truth.
class ExposureSink : public EventSink {
 public:
  ExposureSink(exposure::Observer& observer, exposure::Truth* truth) : observer_(observer), truth_(truth) {}
  void on_message(const MessageRecord& m) override {
    const std::uint32_t identity = observer_.observe(m);
    if (truth_) truth_->on_message(identity, m);
  }
  void on_procedure(const ProcedureRecord& p) override {
    if (truth_) truth_->on_procedure(p);
  }

 private:
  exposure::Observer& observer_;
  exposure::Truth* truth_;
};

int run_exposure(const ExposureOptions& o) {
  auto loaded = load_keys(o.key_files);
  if (!loaded) return 2;
  const auto keys = std::make_shared<const std::vector<KeyEntry>>(std::move(*loaded));
  // Open every capture first: an unusable file fails the run before any output (each
  // capture's links are judged against the others', so a missing one changes them all).
  OpenedCaptures opened = open_captures(o.captures);
  if (opened.unusable > 0 || opened.readers.empty()) return 2;
  auto& readers = opened.readers;
  AnalyzerConfig config;
  for (auto p : o.ports) config.coap_ports.push_back(p);

  const bool several = readers.size() > 1;
  nlohmann::ordered_json documents = nlohmann::ordered_json::array();
  std::size_t linked = 0;
  bool read_error = false;
  for (auto& reader : readers) {
    config.file = capture_label(reader->path());
    exposure::Observer observer(exposure::ObserverConfig{o.window});
    std::optional<exposure::Truth> truth;
    if (!o.key_files.empty()) truth.emplace();
    ExposureSink sink(observer, truth ? &*truth : nullptr);
    Analyzer analyzer(config, keys, sink);
    FrameBatch batch;
    while (reader->next_batch(batch)) analyzer.process_batch(batch.frames());
    if (!reader->error().empty()) {
      std::cerr << "oscore-idu: " << capture_label(reader->path()) << ": "
                << describe_read_error(reader->path(), reader->error(), analyzer.summary().frames) << "\n";
      read_error = true;
    }
    analyzer.finish();
    observer.finish();
    if (truth) truth->finish(observer);
    const ExposureResult result{capture_label(reader->path()), &observer, truth ? &*truth : nullptr};
    linked += linked_changes(result);
    if (o.format == "json") {
      if (several) {
        documents.push_back(exposure_json(result));
      } else {
        std::cout << exposure_json(result).dump(1) << "\n";
      }
    } else if (o.format == "jsonl") {
      write_exposure_jsonl(std::cout, result);
    } else if (o.format == "dot") {
      write_exposure_dot(std::cout, result);
    } else {
      write_exposure_text(std::cout, result);
    }
  }
  if (o.format == "json" && several) {
    nlohmann::ordered_json doc;
    doc["captures"] = std::move(documents);
    std::cout << doc.dump(1) << "\n";
  }
  if (read_error) return 2;
  return linked > 0 ? 1 : 0;
}

}  // namespace

void add_exposure_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<ExposureOptions>();
  CLI::App* cmd = app.add_subcommand(
      "exposure", "What a passive observer without keys can link across ID changes (with keys: against the truth)");
  cmd->add_option("captures", options->captures, "pcap or pcapng files; - reads one from standard input")
      ->type_name("CAPTURE")
      ->required();
  cmd->add_option("-k,--keys", options->key_files,
                  "key file, repeatable: adds the identity changes that really happened and judges each")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false)
      ->type_name("FILE");
  cmd->add_option("-f,--format", options->format, "output format")
      ->check(CLI::IsMember({"text", "json", "jsonl", "dot"}))
      ->type_name("FORMAT");
  cmd->add_option("-p,--port", options->ports, "UDP port carrying CoAP, besides 5683; repeatable")
      ->type_name("PORT")
      ->allow_extra_args(false);
  cmd->add_option("--window", options->window,
                  "seconds between one identity going quiet and another starting that count as timing evidence "
                  "(default 30)")
      ->check(CLI::PositiveNumber)
      ->type_name("S");
  cmd->callback([options, &exit_status] { exit_status = run_exposure(*options); });
}

}  // namespace oidu
