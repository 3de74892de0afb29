// The three example flows of draft-ietf-core-oscore-id-update-06 (section 2 and
// Appendix A), replayed message by message: the outcome and each peer's completion frame
// must be where the figures put "Safe to discard CTX_A".
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

const ProcedureRecord& only_procedure(const Result& r) {
  EXPECT_EQ(r.procedures.size(), 1u);
  if (r.procedures.empty()) throw std::runtime_error("no procedure");
  return r.procedures.front();
}

TEST(IdUpdateFlows, ClientInitiatedAsInFigure) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = client_initiated_id_update(f);
  const auto r = analyze(f);

  const ProcedureRecord& p = only_procedure(*r);
  EXPECT_EQ(p.type, ProcedureType::IdUpdate);
  EXPECT_EQ(p.initiator, Role::Client);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.mode, ProcedureMode::Standalone);
  EXPECT_EQ(p.first_frame, e.req[1]);
  EXPECT_EQ(p.old_client_id, b({0x01}));
  EXPECT_EQ(p.old_server_id, b({0x00}));
  EXPECT_EQ(p.client_peer.offered, b({0x42}));
  EXPECT_EQ(p.server_peer.offered, b({0x78}));
  // Client: three verified acks (Responses #1-#3) and two sent (Requests #2, #3).
  EXPECT_EQ(p.client_peer.completed_at, e.resp[3]);
  // Server: three verified acks (Requests #2-#4) and two sent (Responses #1, #2).
  EXPECT_EQ(p.server_peer.completed_at, e.req[4]);
  // The client's new Sender ID is the Recipient ID the server offered, and vice versa.
  EXPECT_EQ(p.new_client_id, b({0x78}));
  EXPECT_EQ(p.new_server_id, b({0x42}));
  EXPECT_FALSE(p.new_context.empty());

  EXPECT_EQ(r->message(e.req[1]).role, MessageRole::Offer);
  EXPECT_EQ(r->message(e.resp[1]).role, MessageRole::OfferAck);
  EXPECT_EQ(r->message(e.req[2]).role, MessageRole::Ack);
  for (std::uint64_t fr = 1; fr <= e.resp[4]; ++fr) {
    EXPECT_EQ(r->message(fr).status, DecryptStatus::Decrypted) << "frame " << fr;
  }
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

TEST(IdUpdateFlows, ServerInitiatedAsInFigure) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = server_initiated_id_update(f);
  const auto r = analyze(f);

  const ProcedureRecord& p = only_procedure(*r);
  EXPECT_EQ(p.type, ProcedureType::IdUpdate);
  EXPECT_EQ(p.initiator, Role::Server);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.mode, ProcedureMode::Standalone);
  EXPECT_EQ(p.first_frame, e.resp[1]);
  EXPECT_EQ(p.server_peer.offered, b({0x42}));
  EXPECT_EQ(p.client_peer.offered, b({0x78}));
  // Server: acks verified in Requests #2-#4, sent in Responses #2, #3.
  EXPECT_EQ(p.server_peer.completed_at, e.req[4]);
  // Client: acks verified in Responses #2-#4, sent in Requests #2-#4.
  EXPECT_EQ(p.client_peer.completed_at, e.resp[4]);
  EXPECT_EQ(p.new_client_id, b({0x42}));
  EXPECT_EQ(p.new_server_id, b({0x78}));
  EXPECT_EQ(r->message(e.req[1]).procedure, std::nullopt);
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

TEST(IdUpdateFlows, FailureAsInFigure) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = failed_id_update(f);
  const auto r = analyze(f);

  const ProcedureRecord& p = only_procedure(*r);
  EXPECT_EQ(p.type, ProcedureType::IdUpdate);
  EXPECT_EQ(p.initiator, Role::Client);
  EXPECT_EQ(p.outcome, Outcome::Failure);
  EXPECT_EQ(p.mode, ProcedureMode::Standalone);
  EXPECT_EQ(p.client_peer.offered, b({0x42}));
  EXPECT_EQ(p.server_peer.offered, std::nullopt);
  EXPECT_EQ(p.client_peer.completed_at, std::nullopt);
  EXPECT_EQ(p.server_peer.completed_at, std::nullopt);
  EXPECT_EQ(p.new_client_id, std::nullopt);
  EXPECT_EQ(p.new_server_id, std::nullopt);

  // The ENDING_TIMER ran out between Response #3 and Request #4.
  const auto failed = r->with_code("PROCEDURE_FAILED");
  ASSERT_EQ(failed.size(), 1u) << r->describe();
  EXPECT_EQ(failed[0].frame, e.req[4]);
  EXPECT_EQ(failed[0].severity, Severity::Info);
  EXPECT_EQ(failed[0].procedure, p.id);
  // The server verified the offer and went on without the options (draft section 2).
  const auto silent = r->with_code("NO_CONTINUATION");
  ASSERT_EQ(silent.size(), 1u) << r->describe();
  EXPECT_EQ(silent[0].frame, e.resp[1]);
  EXPECT_EQ(r->at_least(Severity::Warning), 0u) << r->describe();
}

TEST(IdUpdateFlows, FailureNeedsTheWholeEndingTimer) {
  // The same requests, 60 s apart: Request #4 comes before 3 x REPEAT_TIMER have passed,
  // so the capture ends with the procedure still open.
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  failed_id_update(f, 60.0);
  const auto r = analyze(f);
  const ProcedureRecord& p = only_procedure(*r);
  EXPECT_EQ(p.outcome, Outcome::Incomplete);
  EXPECT_EQ(r->count("PROCEDURE_FAILED"), 0u) << r->describe();
}

TEST(IdUpdateFlows, UserSetTimersDecide) {
  // With ENDING_TIMER = 150 s the 60 s spacing above does fail, before Request #4.
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = failed_id_update(f, 60.0);
  AnalyzerConfig config;
  config.repeat_timer_s = 50.0;
  config.ending_timer_s = 150.0;
  const auto r = analyze(f, config);
  const ProcedureRecord& p = only_procedure(*r);
  EXPECT_EQ(p.outcome, Outcome::Failure);
  const auto failed = r->with_code("PROCEDURE_FAILED");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].frame, e.req[4]);
}

TEST(IdUpdateFlows, CounterBasedVariantFails) {
  // Section 2.1.1: with an ending counter instead of timers, a peer that has sent more
  // than that many messages without confirmation has failed, whatever the clock says.
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  for (int i = 0; i < 4; ++i) {
    f.request(with({rid({0x42})}));
    f.response();
  }
  AnalyzerConfig config;
  config.ending_counter = 3;
  const auto r = analyze(f, config);
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures.front().outcome, Outcome::Failure);
  EXPECT_EQ(r->count("PROCEDURE_FAILED"), 1u);
}

TEST(IdUpdateFlows, CleanMigrationAfterSuccessLeaksNothing) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  client_initiated_id_update(f);
  // New network: both peers with new addresses and link-layer addresses; CTX_B with fresh
  // sequence numbers; Message IDs and tokens unrelated to the old ones.
  f.move(Peer::Client, ip4(192, 168, 7, 10), mac(0x21));
  f.move(Peer::Server, ip4(192, 168, 7, 20), mac(0x22));
  f.use(f.with_ids(f.initial(), b({0x78}), b({0x42})));
  f.set_next_mid(0x9a31);
  std::vector<std::uint64_t> after;
  for (int i = 0; i < 3; ++i) {
    Msg m;
    m.token = b({0xc4, 0x51, static_cast<std::uint8_t>(0x10 + i)});
    after.push_back(f.request(m));
    after.push_back(f.response());
  }
  const auto r = analyze(f);

  ASSERT_EQ(r->procedures.size(), 1u);
  const ProcedureRecord& p = r->procedures.front();
  EXPECT_EQ(p.outcome, Outcome::Success);
  for (std::uint64_t fr : after) {
    const MessageRecord& m = r->message(fr);
    EXPECT_EQ(m.status, DecryptStatus::Decrypted) << "frame " << fr << ": " << m.problem;
    EXPECT_EQ(m.context, p.new_context) << "frame " << fr;
  }
  EXPECT_EQ(r->at_least(Severity::Warning), 0u) << r->describe();
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

}  // namespace
}  // namespace oidu::flow
