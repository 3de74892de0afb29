// The scale mode writes the frames it says, on distinct client addresses, with one key
// line per pair that the key reader accepts; its traffic follows the drafts, so that the
// analyzer finds nothing to report on it.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "analysis/analyzer.hpp"
#include "analysis/finding_catalogue.hpp"
#include "capture/capture.hpp"
#include "keys/keys.hpp"
#include "sim/simulator.hpp"

namespace oidu::sim {
namespace {

TEST(SimScale, WritesReadableCaptureAndKeys) {
  const auto dir = std::filesystem::temp_directory_path() / ("test_sim_scale_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ScaleOptions o;
  o.pairs = 50;
  o.messages = 3000;
  o.procedure_rate = 0.02;
  o.output = (dir / "s.pcapng").string();
  ScaleResult r;
  std::string error;
  ASSERT_TRUE(run_scale(o, r, &error)) << error;
  EXPECT_GE(r.frames, o.messages);
  EXPECT_GT(r.id_updates + r.kudos_runs, 0u);

  auto reader = CaptureReader::open(o.output, &error);
  ASSERT_TRUE(reader) << error;
  Frame f;
  std::uint64_t frames = 0;
  std::set<Endpoint> servers;
  std::int64_t last = 0;
  while (reader->next(f)) {
    ++frames;
    ASSERT_TRUE(f.is_udp) << f.problem;
    EXPECT_GE(f.time_us, last);  // time never goes backwards
    last = f.time_us;
    if (f.dst.port == 5683) servers.insert(f.dst);
  }
  EXPECT_EQ(frames, r.frames);
  EXPECT_EQ(servers.size(), 1u);  // 100 pairs per server host

  const auto keys = load_key_file(r.keys_file);
  EXPECT_TRUE(keys.errors.empty());
  EXPECT_EQ(keys.entries.size(), 50u);
  std::filesystem::remove_all(dir);
}

struct Collect : EventSink {
  void on_procedure(const ProcedureRecord& p) override { procedures.push_back(p); }
  void on_finding(const Finding& f) override { findings.push_back(f); }
  std::vector<ProcedureRecord> procedures;
  std::vector<Finding> findings;
};

// Many procedures per pair (a high rate): back-to-back ID updates and KUDOS runs, each
// ID update followed by a migration once both peers completed.
TEST(SimScale, TrafficIsCleanForTheAnalyzer) {
  const auto dir = std::filesystem::temp_directory_path() / ("test_sim_scale_clean_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ScaleOptions o;
  o.pairs = 100;
  o.messages = 40000;
  o.procedure_rate = 0.1;
  o.seed = 7;
  o.output = (dir / "s.pcapng").string();
  ScaleResult r;
  std::string error;
  ASSERT_TRUE(run_scale(o, r, &error)) << error;
  EXPECT_GT(r.migrations, 100u);
  // IDs rotated again and again on each context: a peer once got stuck after its second
  // ID update (it kept the first one's premature-switch flag).
  EXPECT_GT(r.id_updates, 5u * o.pairs);

  auto keys = load_key_file(r.keys_file);
  ASSERT_TRUE(keys.errors.empty());
  Collect sink;
  Analyzer analyzer(AnalyzerConfig{}, keys.entries, sink);
  auto reader = CaptureReader::open(o.output, &error);
  ASSERT_TRUE(reader) << error;
  Frame f;
  while (reader->next(f)) analyzer.process(f);
  analyzer.finish();

  for (const auto& finding : sink.findings)
    ADD_FAILURE() << finding_name(finding.code) << " at frame " << finding.frame << ": " << finding.message;
  EXPECT_EQ(analyzer.summary().undecryptable, 0u);
  unsigned succeeded = 0;
  for (const auto& p : sink.procedures) {
    if (p.outcome != Outcome::Success) {
      EXPECT_EQ(p.outcome, Outcome::Incomplete) << "procedure " << p.id;  // cut off by the end of the capture
      continue;
    }
    ++succeeded;
    if (p.type == ProcedureType::IdUpdate) {
      ASSERT_TRUE(p.new_client_id && p.new_server_id);
      EXPECT_NE(*p.new_client_id, *p.new_server_id) << "procedure " << p.id;
    }
  }
  EXPECT_GT(succeeded, 200u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace oidu::sim
