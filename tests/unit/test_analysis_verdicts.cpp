// Verdicts that must not contradict themselves or the drafts: contexts reported with the
// roles the traffic settled, acknowledgements of IDs that were never offered, responses
// to requests that failed verification, and ID updates whose start the capture missed.
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

// ---- contexts carry the settled roles ----------------------------------------------------

TEST(Verdicts, KeyFileFromTheServersSideReportsTheContextWithTheClientsIds) {
  auto f = figure_flow();
  client_initiated_id_update(*f);
  KeyEntry from_server = f->key_entry();
  std::swap(from_server.client_id, from_server.server_id);
  const auto r = analyze(*f, {from_server});
  ASSERT_EQ(r->procedures.size(), 1u);
  ASSERT_FALSE(r->contexts.empty());
  EXPECT_EQ(r->contexts[0].origin.kind, ContextKind::Keys);
  EXPECT_EQ(r->contexts[0].client_id, r->procedures[0].old_client_id);
  EXPECT_EQ(r->contexts[0].server_id, r->procedures[0].old_server_id);
  EXPECT_EQ(r->contexts[0].client_id, b({0x01}));
}

TEST(Verdicts, AContextWithoutTrafficIsStillReported) {
  auto f = figure_flow();
  const auto r = analyze(*f);
  ASSERT_EQ(r->contexts.size(), 1u);
  EXPECT_EQ(r->contexts[0].client_id, b({0x01}));
}

// ---- an acknowledgement of an ID that was not offered -----------------------------------

TEST(Verdicts, AckOfAnotherIdDoesNotCompleteTheReceiver) {
  // The client acknowledges 79; the server offered 78 (captures/fault-ack-mismatch).
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  for (int i = 0; i < 3; ++i) {
    f->request(with({ack({0x79})}));
    f->response(with({ack({0x42})}));
  }
  const auto r = analyze(*f);
  ASSERT_EQ(r->procedures.size(), 1u);
  const ProcedureRecord& p = r->procedures[0];
  EXPECT_EQ(p.outcome, Outcome::Disagreement);
  EXPECT_TRUE(p.client_peer.completed_at.has_value());
  EXPECT_FALSE(p.server_peer.completed_at.has_value());
  EXPECT_FALSE(p.new_client_id.has_value());
  EXPECT_EQ(r->count("ACK_MISMATCH"), 3u) << r->describe();
  EXPECT_EQ(r->count("PROCEDURE_FAILED"), 1u) << r->describe();
}

TEST(Verdicts, AcksOfTheOffersStillSucceed) {
  auto f = figure_flow();
  client_initiated_id_update(*f);
  const auto r = analyze(*f);
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Success);
}

// ---- responses to requests that failed verification ------------------------------------

TEST(Verdicts, ResponseToADamagedRequestOpensWithTheRequestsContext) {
  auto f = figure_flow();
  Msg damaged;
  damaged.corrupt = true;
  const auto request = f->request(damaged);
  const auto response = f->response();
  const auto r = analyze(*f);
  EXPECT_EQ(r->message(request).status, DecryptStatus::Failed);
  const MessageRecord& m = r->message(response);
  EXPECT_EQ(m.status, DecryptStatus::Decrypted) << m.problem;
  EXPECT_EQ(m.request_frame, request);
  EXPECT_EQ(r->count("DECRYPT_FAILED"), 1u) << r->describe();
}

TEST(Verdicts, ResponseThatFailsLikeItsRequestIsFailedNotNoContext) {
  auto f = figure_flow();
  Msg damaged;
  damaged.corrupt = true;
  const auto request = f->request(damaged);
  const auto response = f->response(damaged);
  const auto r = analyze(*f);
  const MessageRecord& m = r->message(response);
  EXPECT_EQ(m.status, DecryptStatus::Failed) << m.problem;
  EXPECT_EQ(m.request_frame, request);
  ASSERT_EQ(r->count("DECRYPT_FAILED"), 2u) << r->describe();
  EXPECT_EQ(r->with_code("DECRYPT_FAILED")[1].frame, response);
}

// ---- an ID update that began before the capture ----------------------------------------

TEST(Verdicts, CaptureStartingDuringAnIdUpdateIsNoMismatch) {
  // Request #2 onwards of the drafts' figure: both offers came before the capture.
  auto f = figure_flow();
  const auto first = f->request(with({ack({0x78})}));
  f->response(with({ack({0x42})}));
  f->request(with({ack({0x78})}));
  f->response(with({ack({0x42})}));
  f->request(with({ack({0x78})}));
  f->response(with({ack({0x42})}));
  f->request(with({ack({0x78})}));
  f->response();
  const auto r = analyze(*f);
  EXPECT_EQ(r->at_least(Severity::Warning), 0u) << r->describe();
  ASSERT_EQ(r->procedures.size(), 1u);
  const ProcedureRecord& p = r->procedures[0];
  EXPECT_TRUE(p.started_before_capture);
  EXPECT_EQ(p.first_frame, first);
  EXPECT_EQ(r->message(first).procedure, p.id);
  EXPECT_EQ(r->message(first).role, MessageRole::Ack);
  EXPECT_EQ(p.client_peer.offered, b({0x42}));
  EXPECT_EQ(p.server_peer.offered, b({0x78}));
  expect_one(*r, "STARTED_BEFORE_CAPTURE", first, Severity::Info);
}

TEST(Verdicts, CaptureStartingDuringAnIdUpdateFollowsTheSwitch) {
  auto f = figure_flow();
  f->request(with({ack({0x78})}));
  f->response(with({ack({0x42})}));
  f->use(f->with_ids(f->initial(), b({0x78}), b({0x42})));
  const auto switched = f->request();
  f->response();
  const auto r = analyze(*f);
  // Only the switch on the same addresses is worth a warning (NEW_ID_ON_OLD_NETWORK).
  EXPECT_EQ(r->at_least(Severity::Error), 0u) << r->describe();
  EXPECT_EQ(r->message(switched).status, DecryptStatus::Decrypted);
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_TRUE(r->procedures[0].started_before_capture);
}

TEST(Verdicts, AckNobodyAnswersIsAMismatchAtTheEnd) {
  auto f = figure_flow();
  const auto stray = f->request(with({ack({0x78})}));
  const auto r = analyze(*f);
  expect_one(*r, "ACK_MISMATCH", stray, Severity::Error);
  EXPECT_EQ(r->messages.size(), 1u);
}

TEST(Verdicts, AckWaitsForAnAnswerOnlyForAWhile) {
  // The records after an undecided acknowledgement are held back, but not without bound.
  auto f = figure_flow();
  const auto stray = f->request(with({ack({0x78})}));
  for (int i = 0; i < 100; ++i) f->request();
  Result r;
  Analyzer analyzer({}, {f->key_entry()}, r);
  for (const Frame& frame : f->frames()) analyzer.process(frame);
  // Before the end of the capture: the wait gave up, and every record is out, in order.
  expect_one(r, "ACK_MISMATCH", stray, Severity::Error);
  ASSERT_EQ(r.messages.size(), 101u);
  for (std::size_t i = 1; i < r.messages.size(); ++i) {
    EXPECT_LT(r.messages[i - 1].frame, r.messages[i].frame);
  }
  analyzer.finish();
  EXPECT_EQ(r.count("ACK_MISMATCH"), 1u);
}

TEST(Verdicts, AckAnsweredWithoutAckIsStillAMismatch) {
  auto f = figure_flow();
  const auto stray = f->request(with({ack({0x78})}));
  f->request(with({ack({0x78})}));
  f->response();
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("ACK_MISMATCH"), 2u) << r->describe();
  EXPECT_EQ(r->with_code("ACK_MISMATCH")[0].frame, stray);
  EXPECT_EQ(r->count("STARTED_BEFORE_CAPTURE"), 0u);
  EXPECT_TRUE(r->procedures.empty());
}

}  // namespace
}  // namespace oidu::flow
