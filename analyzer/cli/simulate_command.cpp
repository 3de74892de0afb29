#include "cli/simulate_command.hpp"

#include <chrono>
#include <iostream>
#include <memory>

#include "sim/scenarios.hpp"
#include "sim/simulator.hpp"

namespace oidu {
namespace {

struct SimulateArgs {
  std::string scenario;
  std::uint64_t seed = 1;
  std::string format;
  bool ipv6 = false;
  std::string output;
  bool list = false;
  bool scale = false;
  std::uint32_t pairs = 10000;
  std::uint64_t messages = 1000000;
  double procedure_rate = 0.002;
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "oscore-idu simulate: " << message << "\n";
  throw CLI::RuntimeError(1);
}

void list_scenarios() {
  for (const auto& s : sim::scenarios()) {
    std::cout << s.name << "  " << s.summary;
    if (!s.findings.empty()) {
      std::cout << " [";
      for (std::size_t i = 0; i < s.findings.size(); ++i) std::cout << (i ? ", " : "") << s.findings[i];
      std::cout << "]";
    }
    std::cout << "\n";
  }
}

void run(const SimulateArgs& a, const CLI::App& cmd) {
  if (a.list) {
    list_scenarios();
    return;
  }
  if (a.output.empty()) fail("-o OUT is required");
  std::optional<CaptureFormat> format;
  if (a.format == "pcap") format = CaptureFormat::Pcap;
  else if (a.format == "pcapng") format = CaptureFormat::Pcapng;
  std::string error;
  if (a.scale) {
    sim::ScaleOptions o;
    o.pairs = a.pairs;
    o.messages = a.messages;
    o.procedure_rate = a.procedure_rate;
    o.seed = a.seed;
    o.format = format.value_or(CaptureFormat::Pcapng);
    o.ipv6 = a.ipv6;
    o.output = a.output;
    sim::ScaleResult r;
    const auto start = std::chrono::steady_clock::now();
    if (!sim::run_scale(o, r, &error)) fail(error);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cerr << a.output << ": " << r.frames << " frames, " << o.pairs << " pairs, " << r.id_updates
              << " ID updates, " << r.kudos_runs << " KUDOS runs, " << r.migrations << " migrations in "
              << took.count() << " s; keys in " << r.keys_file << "\n";
    return;
  }
  if (a.scenario.empty()) fail("--scenario NAME, --scale or --list is required");
  sim::SimulateOptions o;
  o.scenario = a.scenario;
  o.seed = a.seed;
  o.format = format;
  if (cmd.count("--ipv6") > 0) o.ipv6 = true;
  o.output = a.output;
  sim::SimulateResult r;
  if (!sim::run_scenario(o, r, &error)) fail(error);
  std::cerr << a.output << ": " << r.frames << " frames; keys in " << r.keys_file << "\n";
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand("simulate", "Write a reference capture made by simulated OSCORE peers");
  cmd->add_option("--scenario", args->scenario, "Scenario name (see --list)");
  cmd->add_flag("--list", args->list, "List the scenarios, one line each");
  cmd->add_option("--seed", args->seed, "Random seed: the same command writes the same bytes")->capture_default_str();
  cmd->add_option("--format", args->format, "Capture format (default: the scenario's own)")
      ->check(CLI::IsMember({"pcapng", "pcap"}));
  cmd->add_flag("--ipv6", args->ipv6, "Use IPv6 addresses");
  cmd->add_option("-o,--output", args->output, "Capture to write; keys go beside it (NAME.oscore_contexts, "
                                                "NAME.keys.json)");
  cmd->add_flag("--scale", args->scale, "Benchmark capture: many pairs, many messages");
  cmd->add_option("--pairs", args->pairs, "Scale mode: client/server pairs")->capture_default_str();
  cmd->add_option("--messages", args->messages, "Scale mode: CoAP messages to write")->capture_default_str();
  cmd->add_option("--procedure-rate", args->procedure_rate,
                  "Scale mode: chance per exchange that an idle pair starts an ID update or KUDOS")
      ->capture_default_str();
  cmd->callback([args, cmd] { run(*args, *cmd); });
}

}  // namespace oidu
