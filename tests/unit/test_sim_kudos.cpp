// KUDOS as the simulated peers run it (draft-ietf-core-oscore-key-update-14), the
// Partial IV encoding (RFC 8613), and the simulator's reproducibility.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "keys/keys.hpp"
#include "sim/peer.hpp"
#include "sim/simulator.hpp"
#include "sim/world.hpp"

namespace oidu::sim {
namespace {

TEST(SimPiv, EncodingFollowsRfc8613) {
  EXPECT_EQ(encode_piv(0), Bytes{0x00});
  EXPECT_EQ(encode_piv(20), Bytes{0x14});         // RFC 8613 C.4: Sender Sequence Number 20
  EXPECT_EQ(encode_piv(256), (Bytes{0x01, 0x00}));
}

class NullCapture {
 public:
  NullCapture() : path_(std::filesystem::temp_directory_path() / ("test_sim_kudos_" + std::to_string(::getpid()))) {
    std::string e;
    writer_ = CaptureWriter::create(path_.string(), CaptureFormat::Pcap, &e);
  }
  ~NullCapture() { std::filesystem::remove(path_); }
  CaptureWriter& writer() { return *writer_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<CaptureWriter> writer_;
};

// Draft-14 figure "Successful KUDOS Execution Initiated with a Request Message": the
// client is BUSY after its divergent request and IDLE after the convergent response;
// the server is PENDING until the client's next (non-KUDOS) request.
TEST(SimKudos, ClientInitiatedStates) {
  NullCapture cap;
  Network net(cap.writer(), 0);
  World w(3, false, net);
  PairSetup s;
  s.name = "k";
  Pair& p = w.add_pair(s);
  const ContextMaterial before = p.client->material();
  p.client->start_kudos(false);
  ExchangeSpec lost;
  lost.request = post_kudos();
  lost.non = true;
  lost.lose_response = true;
  w.get(p, lost);
  EXPECT_EQ(p.client->kudos_state(), Peer::KudosState::Busy);
  EXPECT_EQ(p.server->kudos_state(), Peer::KudosState::Pending);
  ExchangeSpec again;
  again.request = post_kudos();
  w.get(p, again);  // same X and nonce: the server stays PENDING and answers again
  EXPECT_EQ(p.client->kudos_state(), Peer::KudosState::Idle);
  EXPECT_EQ(p.server->kudos_state(), Peer::KudosState::Pending);
  const auto r = w.get(p);
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->code, 0x45);
  EXPECT_EQ(p.server->kudos_state(), Peer::KudosState::Idle);
  EXPECT_NE(p.client->material().master_secret, before.master_secret);
  EXPECT_EQ(p.client->material().master_secret, p.server->material().master_secret);
  EXPECT_EQ(p.client->sender_id(), Bytes{0x01});  // KUDOS keeps the IDs
}

// Draft-14 state machine, PENDING: the client, IDLE after the convergent response,
// starts a second KUDOS at once; the server, still PENDING, verifies the divergent
// request with a CTX_TEMP derived from CTX_NEW and takes part (a convergent answer that
// the client verifies), and both end on the same new context.
TEST(SimKudos, BackToBackRunWhileServerPending) {
  NullCapture cap;
  Network net(cap.writer(), 0);
  World w(5, false, net);
  PairSetup s;
  s.name = "k";
  Pair& p = w.add_pair(s);
  ExchangeSpec k;
  k.request = post_kudos();
  p.client->start_kudos(false);
  w.get(p, k);
  ASSERT_EQ(p.server->kudos_state(), Peer::KudosState::Pending);
  const ContextMaterial first = p.client->material();
  p.client->start_kudos(false);
  const auto r = w.get(p, k);
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.outer_code, 0x44);  // protected 2.04, not the 4.00 of a failed verification
  EXPECT_EQ(p.client->kudos_state(), Peer::KudosState::Idle);
  EXPECT_NE(p.client->material().master_secret, first.master_secret);
  ASSERT_TRUE(w.get(p).response);
  EXPECT_EQ(p.server->kudos_state(), Peer::KudosState::Idle);
  EXPECT_EQ(p.server->material().master_secret, p.client->material().master_secret);
}

TEST(SimKudos, NoFsStartsFromBootstrapAndRefusedDowngrade) {
  NullCapture cap;
  Network net(cap.writer(), 0);
  World w(3, false, net);
  PairSetup s;
  s.name = "k";
  s.bootstrap = true;
  Pair& p = w.add_pair(s);
  p.client->start_kudos(false);
  ExchangeSpec k;
  k.request = post_kudos();
  w.get(p, k);
  w.get(p);
  const ContextMaterial after_fs = p.server->material();
  p.client->start_kudos(true);  // the server knows the client is CAPABLE: it must ignore this
  w.get(p, k);
  w.get(p);
  EXPECT_EQ(p.server->material().master_secret, after_fs.master_secret);
  EXPECT_EQ(p.server->kudos_state(), Peer::KudosState::Idle);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SimDeterminism, SameSeedSameBytesOtherSeedOtherBytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("test_sim_det_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto run = [&](const std::string& name, std::uint64_t seed) {
    SimulateOptions o;
    o.scenario = "idu-kudos-integrated";
    o.seed = seed;
    o.output = (dir / (name + ".pcapng")).string();
    SimulateResult r;
    std::string error;
    EXPECT_TRUE(run_scenario(o, r, &error)) << error;
    return slurp(o.output);
  };
  const std::string a = run("a", 5), b = run("b", 5), c = run("c", 6);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // The key file is one the analyzer reads back.
  const auto keys = load_key_file((dir / "a.oscore_contexts").string());
  EXPECT_EQ(keys.format, KeyFileFormat::WiresharkUat);
  ASSERT_EQ(keys.entries.size(), 1u);
  EXPECT_EQ(to_hex(keys.entries[0].material.master_secret), "0102030405060708090a0b0c0d0e0f10");
  std::filesystem::remove_all(dir);
}

TEST(SimScenarios, UnknownScenarioIsAnError) {
  SimulateOptions o;
  o.scenario = "no-such-scenario";
  o.output = "/nonexistent/x.pcapng";
  SimulateResult r;
  std::string error;
  EXPECT_FALSE(run_scenario(o, r, &error));
  EXPECT_NE(error.find("unknown scenario"), std::string::npos);
}

}  // namespace
}  // namespace oidu::sim
