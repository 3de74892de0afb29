#include "sim/simulator.hpp"

#include "sim/scenarios.hpp"

namespace oidu::sim {

bool run_scenario(const SimulateOptions& o, SimulateResult& result, std::string* error) {
  const Scenario* s = find_scenario(o.scenario);
  if (!s) {
    if (error) *error = "unknown scenario \"" + o.scenario + "\" (see simulate --list)";
    return false;
  }
  auto writer = CaptureWriter::create(o.output, o.format.value_or(s->format), error);
  if (!writer) return false;
  Network net(*writer, kStartTimeUs);
  World world(o.seed, o.ipv6.value_or(s->ipv6), net);
  s->run(world);
  if (!writer->close() || !net.ok()) {
    if (error) *error = o.output + ": write error";
    return false;
  }
  result.frames = net.frames();
  const std::string stem = output_stem(o.output);
  bool json = false;
  for (const auto& k : world.keys) json = json || k.bootstrap.has_value();
  result.keys_file = stem + (json ? ".keys.json" : ".oscore_contexts");
  return write_key_files(stem, world.keys, error);
}

}  // namespace oidu::sim
