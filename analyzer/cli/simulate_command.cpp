#include "cli/simulate_command.hpp"

#include <chrono>
#include <iostream>
#include <memory>

#include "sim/live.hpp"
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
  std::string live_peer, bind, peer, keys, migrate_to, offer;
  unsigned exchanges = 10, id_update_at = 0;
  double gap = 0.1, timeout = 20;
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

Endpoint endpoint(const std::string& option, const std::string& text, std::uint16_t default_port) {
  const auto ep = sim::parse_endpoint(text, default_port);
  if (!ep) fail(option + ": \"" + text + "\" is not ADDR[:PORT] (IPv6 as [ADDR]:PORT)");
  return *ep;
}

void run_live(const SimulateArgs& a) {
  sim::LiveOptions o;
  o.role = a.live_peer == "client" ? sim::Role::Client : sim::Role::Server;
  if (a.bind.empty() || a.keys.empty()) fail("--live-peer needs --bind and --keys");
  o.bind = endpoint("--bind", a.bind, 0);
  if (!a.peer.empty()) o.peer = endpoint("--peer", a.peer, 5683);
  if (!a.migrate_to.empty()) o.migrate_to = endpoint("--migrate-to", a.migrate_to, 0);
  if (!a.offer.empty()) {
    o.offer = from_hex(a.offer);
    if (!o.offer) fail("--offer: \"" + a.offer + "\" is not hex");
  }
  o.keys_file = a.keys;
  o.exchanges = a.exchanges;
  o.id_update_at = a.id_update_at;
  o.gap_s = a.gap;
  o.timeout_s = a.timeout;
  o.seed = a.seed;
  sim::LiveResult r;
  std::string error;
  const bool ok = sim::run_live_peer(o, r, &error);
  std::cout << a.live_peer << ": " << r.exchanges << " exchanges";
  if (r.migrated_to) std::cout << ", migrated to " << r.migrated_to->to_string();
  std::cout << ", Sender ID " << to_hex(r.sender_id) << ", Recipient ID " << to_hex(r.recipient_id) << std::endl;
  if (!ok) fail(a.live_peer + ": " + error);
}

void run(const SimulateArgs& a, const CLI::App& cmd) {
  if (a.list) {
    list_scenarios();
    return;
  }
  if (!a.live_peer.empty()) {
    run_live(a);
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
  cmd->add_option("--live-peer", args->live_peer,
                  "Run one peer over a real UDP socket instead of writing a capture (tests/net)")
      ->check(CLI::IsMember({"client", "server"}));
  cmd->add_option("--bind", args->bind, "Live peer: local ADDR[:PORT] to bind");
  cmd->add_option("--peer", args->peer, "Live client: the server's ADDR[:PORT] (port 5683 by default)");
  cmd->add_option("--keys", args->keys, "Live peer: key file; its first context, the client's Sender ID first");
  cmd->add_option("--migrate-to", args->migrate_to,
                  "Live client: ADDR[:PORT] to move to once both peers completed the ID update");
  cmd->add_option("--offer", args->offer, "Live peer: Recipient ID to offer in the ID update (hex)");
  cmd->add_option("--exchanges", args->exchanges, "Live peer: requests to send (client) or answer (server)")
      ->capture_default_str();
  cmd->add_option("--id-update-at", args->id_update_at,
                  "Live peer: start an ID update with its N-th message (0: never)")
      ->capture_default_str();
  cmd->add_option("--gap", args->gap, "Live client: seconds between exchanges")->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Live peer: seconds for the whole run")->capture_default_str();
  cmd->callback([args, cmd] { run(*args, *cmd); });
}

}  // namespace oidu
