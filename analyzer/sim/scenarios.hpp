// The scenario library: each scenario is a short script over simulated peers (world.hpp)
// that shows one flow of the drafts or makes one peer commit one fault of the finding
// catalogue. captures/ holds one capture per scenario, made by `oscore-idu simulate`.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "capture/writer.hpp"
#include "sim/world.hpp"

namespace oidu::sim {

struct Scenario {
  std::string name;
  std::string summary;                 // one line, for --list and captures/README.md
  std::vector<std::string> findings;   // codes the analyzer must raise on it
  CaptureFormat format = CaptureFormat::Pcapng;
  bool ipv6 = false;
  std::function<void(World&)> run;
};

const std::vector<Scenario>& scenarios();
const Scenario* find_scenario(const std::string& name);

}  // namespace oidu::sim
