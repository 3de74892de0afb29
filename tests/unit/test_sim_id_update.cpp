// The simulated peers against the ID update draft's figures: which options each message
// carries and where each peer completes. The messages are read back from the capture and
// decrypted with a context built from the key material alone, not through the peers.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "capture/capture.hpp"
#include "sim/world.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"
#include "wire/oscore_option.hpp"

namespace oidu::sim {
namespace {

struct Seen {
  bool request = false;
  std::optional<Bytes> rid, ack;
};

class Recorder {
 public:
  Recorder() : path_(std::filesystem::temp_directory_path() / ("test_sim_" + std::to_string(::getpid()) + ".pcapng")) {
    std::string error;
    writer_ = CaptureWriter::create(path_.string(), CaptureFormat::Pcapng, &error);
  }
  ~Recorder() { std::filesystem::remove(path_); }
  CaptureWriter& writer() { return *writer_; }

  // Decrypts every frame with a fresh RFC 8613 context (client ID `cid`, server `sid`).
  std::vector<Seen> read(const ContextMaterial& m, const Bytes& cid, const Bytes& sid) {
    writer_->close();
    std::string error;
    auto reader = CaptureReader::open(path_.string(), &error);
    EXPECT_TRUE(reader) << error;
    std::vector<Seen> out;
    SecurityContext ctx(m);
    Bytes last_kid, last_piv;
    Frame f;
    while (reader && reader->next(f)) {
      const auto msg = parse_coap(f.udp_payload, nullptr);
      if (!msg || msg->is_empty()) continue;
      const auto opt = parse_oscore_option(msg->body.find(kOptOscore)->value, nullptr);
      Seen s;
      s.request = msg->is_request();
      Bytes plain;
      bool ok;
      if (s.request) {
        last_kid.assign(opt->kid->begin(), opt->kid->end());
        last_piv.assign(opt->partial_iv.begin(), opt->partial_iv.end());
        ok = ctx.open({view(cid), view(last_kid), view(last_piv), view(last_kid), view(last_piv)},
                      msg->body.payload, plain);
      } else {
        ok = ctx.open({view(sid), view(last_kid), view(last_piv), view(last_kid), view(last_piv)},
                      msg->body.payload, plain);
      }
      EXPECT_TRUE(ok) << "frame " << f.number;
      const auto inner = parse_inner(view(plain), nullptr);
      if (!inner) continue;
      if (auto* o = inner->body.find(kOptRecipientId)) s.rid = Bytes(o->value.begin(), o->value.end());
      if (auto* o = inner->body.find(kOptRecipientIdAck)) s.ack = Bytes(o->value.begin(), o->value.end());
      out.push_back(s);
    }
    return out;
  }

 private:
  std::filesystem::path path_;
  std::unique_ptr<CaptureWriter> writer_;
};

PairSetup figure(bool server_initiates) {
  PairSetup s;
  s.name = "t";
  s.rfc8613_material = true;
  s.client_policy = [=](PeerConfig& c) { c.id_update.offer = Bytes{server_initiates ? std::uint8_t{0x78} : std::uint8_t{0x42}}; };
  s.server_policy = [=](PeerConfig& c) { c.id_update.offer = Bytes{server_initiates ? std::uint8_t{0x42} : std::uint8_t{0x78}}; };
  return s;
}

const Bytes b42{0x42}, b78{0x78};

TEST(SimIdUpdate, ClientInitiatedFollowsFigure1) {
  Recorder rec;
  Network net(rec.writer(), 0);
  World w(7, false, net);
  Pair& p = w.add_pair(figure(false));
  p.client->start_id_update();
  std::vector<std::pair<Peer::IdPhase, Peer::IdPhase>> phases;
  for (int i = 0; i < 4; ++i) {
    w.get(p);
    w.idle(5);
    phases.emplace_back(p.client->id_phase(), p.server->id_phase());
  }
  using P = Peer::IdPhase;
  // "Safe to discard CTX_A": the client after Response #3, the server at Request #4.
  EXPECT_EQ(phases[1].first, P::Running);
  EXPECT_EQ(phases[2].first, P::Completed);
  EXPECT_EQ(phases[2].second, P::Running);
  EXPECT_EQ(phases[3].second, P::Completed);

  const auto seen = rec.read(w.keys[0].material, Bytes{0x01}, Bytes{0x00});
  ASSERT_EQ(seen.size(), 8u);
  const std::vector<std::pair<std::optional<Bytes>, std::optional<Bytes>>> want = {
      {b42, {}}, {b78, b42}, {{}, b78}, {{}, b42}, {{}, b78}, {{}, b42}, {{}, b78}, {{}, {}}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(seen[i].rid, want[i].first) << "message " << i + 1;
    EXPECT_EQ(seen[i].ack, want[i].second) << "message " << i + 1;
  }
}

TEST(SimIdUpdate, ServerInitiatedFollowsAppendixA1) {
  Recorder rec;
  Network net(rec.writer(), 0);
  World w(7, false, net);
  Pair& p = w.add_pair(figure(true));
  p.server->start_id_update();
  for (int i = 0; i < 4; ++i) {
    w.get(p);
    w.idle(5);
  }
  EXPECT_EQ(p.client->id_phase(), Peer::IdPhase::Completed);
  EXPECT_EQ(p.server->id_phase(), Peer::IdPhase::Completed);
  const auto seen = rec.read(w.keys[0].material, Bytes{0x01}, Bytes{0x00});
  ASSERT_EQ(seen.size(), 8u);
  const std::vector<std::pair<std::optional<Bytes>, std::optional<Bytes>>> want = {
      {{}, {}}, {b42, {}}, {b78, b42}, {{}, b78}, {{}, b42}, {{}, b78}, {{}, b42}, {{}, b78}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(seen[i].rid, want[i].first) << "message " << i + 1;
    EXPECT_EQ(seen[i].ack, want[i].second) << "message " << i + 1;
  }
}

TEST(SimIdUpdate, FailureRepeatsEveryRepeatTimerAndStopsAtEndingTimer) {
  Recorder rec;
  Network net(rec.writer(), 0);
  World w(7, false, net);
  PairSetup s = figure(false);
  s.server_policy = [](PeerConfig& c) { c.id_update.supported = false; };
  Pair& p = w.add_pair(s);
  p.client->start_id_update();
  for (int i = 0; i < 4; ++i) {
    w.get(p);
    net.advance_s(100);  // REPEAT_TIMER (93 s) expires between requests, as in appendix A.2
  }
  EXPECT_EQ(p.client->id_phase(), Peer::IdPhase::Failed);
  const auto seen = rec.read(w.keys[0].material, Bytes{0x01}, Bytes{0x00});
  ASSERT_EQ(seen.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) {
    const bool offer = seen[i].request && i < 6;  // requests #1-#3; #4 is after ENDING_TIMER
    EXPECT_EQ(seen[i].rid.has_value(), offer) << "message " << i + 1;
    EXPECT_FALSE(seen[i].ack.has_value());
  }
}

TEST(SimIdUpdate, MigratedClientSwitchesToNewIds) {
  Recorder rec;
  Network net(rec.writer(), 0);
  World w(7, false, net);
  Pair& p = w.add_pair(figure(false));
  p.client->start_id_update();
  for (int i = 0; i < 4; ++i) w.get(p);
  w.get(p);
  EXPECT_FALSE(p.client->using_new_ids());  // no switch on the old network
  w.migrate_client(p);
  w.get(p);
  EXPECT_TRUE(p.client->using_new_ids());
  EXPECT_TRUE(p.server->using_new_ids());
  EXPECT_EQ(p.client->sender_id(), b78);
  EXPECT_EQ(p.client->recipient_id(), b42);
}

TEST(SimIdUpdate, TooLongOfferIsAbortedWithProtected503WithoutRecipientId) {
  Recorder rec;
  Network net(rec.writer(), 0);
  World w(7, false, net);
  PairSetup s = figure(false);
  s.client_policy = [](PeerConfig& c) { c.id_update.offer = Bytes(8, 0x41); };  // nonce 13 - 6 = 7
  Pair& p = w.add_pair(s);
  p.client->start_id_update();
  const auto r = w.get(p);
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->code, 0xa3);  // 5.03
  EXPECT_EQ(r.response->find(kOptRecipientId), nullptr);
  EXPECT_EQ(p.client->id_phase(), Peer::IdPhase::Aborted);
  EXPECT_EQ(p.server->id_phase(), Peer::IdPhase::Aborted);
}

}  // namespace
}  // namespace oidu::sim
