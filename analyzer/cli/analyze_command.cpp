// `oscore-idu analyze`: the option definitions (which --help, the man page and the
// bash completion are all made from); the run itself is in analyze_run.cpp.
#include "cli/analyze_command.hpp"

#include <memory>

#include "cli/analyze_options.hpp"
#include "cli/html_report.hpp"

namespace oidu {

void add_analyze_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand("analyze", "Decrypt OSCORE, rebuild ID-update and KUDOS procedures, report findings");
  CLI::Option* captures =
      cmd->add_option("captures", options->captures,
                      "pcap or pcapng files; - reads one from standard input (tcpdump -w - | ...)")
          ->type_name("CAPTURE");
  cmd->add_option("-k,--keys", options->key_files,
                  "key file (Wireshark oscore_contexts, libcoap oscore_conf, or JSON); repeatable")
      ->type_name("FILE")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);  // one file per --keys, so captures can follow
  const std::string html_limits = "one self-contained file to open in a browser; above " +
                                  std::to_string(kHtmlMessageRows) +
                                  " messages a capture's message table is summarised, and each capture's part stays "
                                  "under " + std::to_string(kHtmlBytesBound >> 20) + " MiB";
  cmd->add_option("-f,--format", options->format,
                  "output format: text for people, json (one document), jsonl (one event per line) or html (" +
                      html_limits + ")")
      ->check(CLI::IsMember({"text", "json", "jsonl", "html"}))
      ->type_name("FORMAT");
  cmd->add_option("-o,--output", options->output, "write the report to this file instead of standard output")
      ->type_name("FILE");
  CLI::Option* html = cmd->add_option("--html", options->html,
                                      "also write the HTML report to this file, beside --format's report")
                          ->type_name("FILE");
  cmd->add_option("-p,--port", options->ports, "UDP port carrying CoAP, besides 5683; repeatable")
      ->type_name("PORT")
      ->allow_extra_args(false);
  cmd->add_flag("--no-content-detection", options->no_content_detection,
                "only decode the configured ports, not OSCORE recognised by content");
  cmd->add_option("--repeat-timer", options->repeat_timer, "REPEAT_TIMER in seconds (default MAX_TRANSMIT_WAIT = 93)")
      ->check(CLI::PositiveNumber)
      ->type_name("S");
  cmd->add_option("--ending-timer", options->ending_timer, "ENDING_TIMER in seconds (default 3 x REPEAT_TIMER)")
      ->check(CLI::PositiveNumber)
      ->type_name("S");
  cmd->add_option("--ending-counter", options->ending_counter,
                  "counter-based variant: a peer fails after sending more than N messages without completing")
      ->type_name("N");
  cmd->add_option("--fail-on", options->fail_on, "exit 1 when a finding of this severity or above exists")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}))
      ->type_name("SEVERITY");
  cmd->add_flag("--no-messages", options->no_messages,
                "leave the per-message part out: procedures, findings and summary only");
  cmd->add_flag("--show-keys", options->show_keys, "include Master Secrets and Salts of every context in the report");
  cmd->add_flag("--wide", options->wide, "text: do not shorten lines to 120 columns");
  cmd->add_option("--color", options->colour,
                  "text: colour severities and outcomes (auto: on a terminal, unless NO_COLOR)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  cmd->add_option("--write-decrypted", options->write_decrypted,
                  "write every frame to this pcapng, decrypted OSCORE messages as their plain CoAP")
      ->type_name("OUT");
  cmd->add_option("-j,--jobs", options->jobs,
                  "threads (default 1): the engine runs on one, the report is written on another, messages are "
                  "formatted on the rest (with --no-messages, all on one); the output is the same for any N")
      ->type_name("N")
      ->check(CLI::Range(1u, 64u));
  CLI::Option* interface =
      cmd->add_option("-i,--interface", options->interface,
                      "capture live on this interface (root or CAP_NET_RAW) instead of reading files; "
                      "SIGINT or SIGTERM ends the run with the report complete")
          ->type_name("IFACE")
          ->excludes(captures);
  cmd->add_option("--count", options->count, "live capture: stop after N frames")
      ->needs(interface)
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  cmd->add_option("--duration", options->duration, "live capture: stop after S seconds")
      ->needs(interface)
      ->check(CLI::PositiveNumber)
      ->type_name("S");
  cmd->add_option("--filter", options->filter,
                  "live capture: BPF filter (default: UDP on ports 5683, 5684 and each --port)")
      ->needs(interface)
      ->type_name("BPF");
  cmd->callback([options, captures, interface, html, &exit_status] {
    if (captures->count() == 0 && interface->count() == 0) {
      throw CLI::RequiredError("a capture file, - for standard input, or -i INTERFACE");
    }
    if (html->count() > 0 && options->format == "html") {
      throw CLI::ValidationError("--html", "the report is HTML already (--format html); use -o for its file");
    }
    exit_status = run_analyze(*options);
  });
}

}  // namespace oidu
