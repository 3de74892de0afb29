// Findings about the ID update procedure itself (draft-ietf-core-oscore-id-update-06
// section 2): for each code, a sequence that must raise it and a near-identical one that
// must not.
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

Msg service_unavailable(OptionList inner = {}) {
  Msg m = with(std::move(inner));
  m.code = kServiceUnavailable;
  return m;
}

// ---- RID_REUSED ---------------------------------------------------------------------

TEST(IdUpdateFindings, RidReusedOfferingTheCurrentRecipientId) {
  // 0x00 is the client's Recipient ID in CTX_A already; the server rightly aborts.
  auto f = figure_flow();
  const auto offer = f->request(with({rid({0x00})}));
  f->response(service_unavailable());
  const auto r = analyze(*f);
  expect_one(*r, "RID_REUSED", offer, Severity::Error);
  EXPECT_EQ(r->with_code("RID_REUSED")[0].procedure, r->procedures.at(0).id);
}

TEST(IdUpdateFindings, RidNotReusedOfferingAFreshId) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(service_unavailable());
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("RID_REUSED"), 0u) << r->describe();
}

TEST(IdUpdateFindings, RidReusedAfterAFailedProcedure) {
  // Section 2.1.1: an offer of a failed procedure is discarded and never offered again.
  auto f = figure_flow();
  failed_id_update(*f);
  const auto again = f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  const auto r = analyze(*f);
  expect_one(*r, "RID_REUSED", again, Severity::Error);
}

TEST(IdUpdateFindings, RidNotReusedAfterAFailedProcedureWithANewOffer) {
  auto f = figure_flow();
  failed_id_update(*f);
  f->request(with({rid({0x43})}));
  f->response(with({rid({0x78}), ack({0x43})}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("RID_REUSED"), 0u) << r->describe();
}

TEST(IdUpdateFindings, RidReusedAfterASwitch) {
  // After 01/00 -> 78/42 under the same triple, the client offers its old Recipient ID.
  auto f = figure_flow();
  client_initiated_id_update(*f);
  f->use(f->with_ids(f->initial(), b({0x78}), b({0x42})));
  const auto offer = f->request(with({rid({0x00})}));
  f->response(service_unavailable());
  const auto r = analyze(*f);
  expect_one(*r, "RID_REUSED", offer, Severity::Error);
}

TEST(IdUpdateFindings, RidNotReusedAfterASwitchWithANewOffer) {
  auto f = figure_flow();
  client_initiated_id_update(*f);
  f->use(f->with_ids(f->initial(), b({0x78}), b({0x42})));
  f->request(with({rid({0x05})}));
  f->response(service_unavailable());
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("RID_REUSED"), 0u) << r->describe();
}

// ---- RID_IS_OWN_SENDER_ID -------------------------------------------------------------

TEST(IdUpdateFindings, RidIsOwnSenderIdWhenTheServerGoesOn) {
  // The offered 0x00 is the server's own Sender ID: it must abort, but it answers.
  auto f = figure_flow();
  f->request(with({rid({0x00})}));
  const auto goes_on = f->response(with({rid({0x78}), ack({0x00})}));
  const auto r = analyze(*f);
  expect_one(*r, "RID_IS_OWN_SENDER_ID", goes_on, Severity::Error);
}

TEST(IdUpdateFindings, RidIsOwnSenderIdNotWhenTheServerAborts) {
  auto f = figure_flow();
  f->request(with({rid({0x00})}));
  f->response(service_unavailable());
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("RID_IS_OWN_SENDER_ID"), 0u) << r->describe();
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Aborted);
}

// ---- RID_TOO_LONG -----------------------------------------------------------------------

TEST(IdUpdateFindings, RidTooLongForTheAead) {
  // AES-CCM-16-64-128: 13-byte nonce, IDs of at most 7 bytes (RFC 8613 3.3).
  auto f = figure_flow();
  const auto offer = f->request(with({rid(Bytes(8, 0x42))}));
  f->response(service_unavailable());
  const auto r = analyze(*f);
  expect_one(*r, "RID_TOO_LONG", offer, Severity::Error);
}

TEST(IdUpdateFindings, RidOfSevenBytesIsNotTooLong) {
  auto f = figure_flow();
  f->request(with({rid(Bytes(7, 0x42))}));
  f->response(with({rid({0x78}), ack(Bytes(7, 0x42))}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("RID_TOO_LONG"), 0u) << r->describe();
}

// ---- OPTION_IN_CLEAR ---------------------------------------------------------------------

TEST(IdUpdateFindings, OptionInClearInAnUnprotectedMessage) {
  auto f = figure_flow();
  f->request();
  const auto plain = f->plain_request({{kRecipientId, b({0x42})}});
  const auto r = analyze(*f);
  expect_one(*r, "OPTION_IN_CLEAR", plain, Severity::Error);
}

TEST(IdUpdateFindings, OptionInClearAsOuterOption) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  Msg m = with({rid({0x78}), ack({0x42})});
  m.outer = {{kRecipientIdAck, b({0x42})}};
  const auto outer = f->response(m);
  const auto r = analyze(*f);
  expect_one(*r, "OPTION_IN_CLEAR", outer, Severity::Error);
}

TEST(IdUpdateFindings, OptionInsideTheCiphertextIsNotInClear) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  f->plain_request({});
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("OPTION_IN_CLEAR"), 0u) << r->describe();
}

// ---- ACK_MISMATCH ---------------------------------------------------------------------------

TEST(IdUpdateFindings, AckMismatchWithTheOffer) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  const auto wrong = f->response(with({rid({0x78}), ack({0x43})}));
  const auto r = analyze(*f);
  expect_one(*r, "ACK_MISMATCH", wrong, Severity::Error);
}

TEST(IdUpdateFindings, AckMismatchWithoutAnyOffer) {
  auto f = figure_flow();
  const auto stray = f->request(with({ack({0x78})}));
  f->response();
  const auto r = analyze(*f);
  expect_one(*r, "ACK_MISMATCH", stray, Severity::Error);
}

TEST(IdUpdateFindings, AckMatchingTheOfferIsNoMismatch) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  f->request(with({ack({0x78})}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("ACK_MISMATCH"), 0u) << r->describe();
}

// ---- CONCURRENT_PROCEDURE --------------------------------------------------------------------

TEST(IdUpdateFindings, ConcurrentProcedureWithADifferentOffer) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  const auto second = f->request(with({rid({0x43}), ack({0x78})}));
  const auto r = analyze(*f);
  expect_one(*r, "CONCURRENT_PROCEDURE", second, Severity::Error);
}

TEST(IdUpdateFindings, RepeatingTheSameOfferIsNotConcurrent) {
  // Section 2.1: a peer keeps offering its value until the procedure completes.
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  f->request(with({rid({0x42}), ack({0x78})}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("CONCURRENT_PROCEDURE"), 0u) << r->describe();
}

// ---- OFFERED_IDS_EQUAL ----------------------------------------------------------------------

TEST(IdUpdateFindings, OfferedIdsEqual) {
  // Both would get Sender ID 0x42, hence one key for both directions (RFC 8613 3.3).
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  const auto same = f->response(with({rid({0x42}), ack({0x42})}));
  const auto r = analyze(*f);
  expect_one(*r, "OFFERED_IDS_EQUAL", same, Severity::Error);
}

TEST(IdUpdateFindings, DifferentOffersAreFine) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("OFFERED_IDS_EQUAL"), 0u) << r->describe();
}

// ---- ERROR_RESPONSE_WITH_RID -----------------------------------------------------------------

TEST(IdUpdateFindings, ErrorResponseWithRid) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  const auto abort = f->response(service_unavailable({rid({0x78})}));
  const auto r = analyze(*f);
  expect_one(*r, "ERROR_RESPONSE_WITH_RID", abort, Severity::Error);
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Aborted);
}

TEST(IdUpdateFindings, ErrorResponseWithoutRidAbortsCleanly) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  const auto abort = f->response(service_unavailable());
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("ERROR_RESPONSE_WITH_RID"), 0u) << r->describe();
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Aborted);
  EXPECT_EQ(r->message(abort).role, MessageRole::Abort);
  // An aborted procedure ended without confirmation.
  expect_one(*r, "PROCEDURE_FAILED", abort, Severity::Info);
  EXPECT_EQ(r->count("NO_CONTINUATION"), 0u) << r->describe();
}

// ---- STANDALONE_AFTER_REBOOT ------------------------------------------------------------------

// The server lost its replay window and challenges the first request with a protected
// 4.01 carrying Echo (RFC 8613 B.1.2, with its own Partial IV); the client repeats with
// Echo and, in the same request, starts an ID update.
std::uint64_t echo_then_offer(Flow& f, bool challenge) {
  f.request();
  Msg first;
  first.own_piv = true;
  if (challenge) {
    first.code = kUnauthorized;
    first.inner = {{kEcho, b({0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8})}};
  }
  f.response(first);
  Msg offer = with({rid({0x42})});
  if (challenge)
    offer.inner.push_back({kEcho, b({0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8})});
  return f.request(offer);
}

TEST(IdUpdateFindings, StandaloneAfterReboot) {
  auto f = figure_flow();
  echo_then_offer(*f, true);
  const auto takes_part = f->response(with({rid({0x78}), ack({0x42})}));
  const auto r = analyze(*f);
  expect_one(*r, "STANDALONE_AFTER_REBOOT", takes_part, Severity::Error);
}

TEST(IdUpdateFindings, NoRebootShownNoFinding) {
  auto f = figure_flow();
  echo_then_offer(*f, false);
  f->response(with({rid({0x78}), ack({0x42})}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("STANDALONE_AFTER_REBOOT"), 0u) << r->describe();
}

TEST(IdUpdateFindings, RebootedServerThatAbortsIsRight) {
  // Section 2.3: after a loss of state the server must not take part, and does not.
  auto f = figure_flow();
  echo_then_offer(*f, true);
  f->response(service_unavailable());
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("STANDALONE_AFTER_REBOOT"), 0u) << r->describe();
}

// ---- USED_BEFORE_CONFIRMED --------------------------------------------------------------------

TEST(IdUpdateFindings, UsedBeforeConfirmed) {
  // Both offers are known after Response #1, but the client has verified only one ack.
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  Msg early = with({ack({0x78})});
  early.ctx = &f->with_ids(f->initial(), b({0x78}), b({0x42}));
  const auto premature = f->request(early);
  const auto r = analyze(*f);
  ASSERT_EQ(r->message(premature).status, DecryptStatus::Decrypted)
      << r->message(premature).problem;
  expect_one(*r, "USED_BEFORE_CONFIRMED", premature, Severity::Error);
  EXPECT_EQ(r->message(premature).role, MessageRole::PrematureUse);
}

TEST(IdUpdateFindings, UsingNewIdsOnceOwnConditionHoldsIsFine) {
  // The client completes at Response #3 ("Safe to discard CTX_A"); from then on CTX_B is
  // valid for it, even before the server has completed.
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  f->request(with({ack({0x78})}));
  f->response(with({ack({0x42})}));
  f->request(with({ack({0x78})}));
  const auto client_done = f->response(with({ack({0x42})}));
  Msg m = with({ack({0x78})});
  m.ctx = &f->with_ids(f->initial(), b({0x78}), b({0x42}));
  const auto with_new_ids = f->request(m);
  f->response();
  const auto r = analyze(*f);
  EXPECT_EQ(r->message(with_new_ids).status, DecryptStatus::Decrypted);
  EXPECT_EQ(r->count("USED_BEFORE_CONFIRMED"), 0u) << r->describe();
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Success);
  EXPECT_EQ(r->procedures[0].client_peer.completed_at, client_done);
  EXPECT_EQ(r->procedures[0].server_peer.completed_at, with_new_ids);
}

// ---- NO_CONTINUATION ------------------------------------------------------------------------

TEST(IdUpdateFindings, NoContinuationFromAServerWithoutSupport) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  const auto silent = f->response();
  const auto r = analyze(*f);
  expect_one(*r, "NO_CONTINUATION", silent, Severity::Info);
}

TEST(IdUpdateFindings, ContinuingServerIsNotReported) {
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("NO_CONTINUATION"), 0u) << r->describe();
}

// ---- PROCEDURE_FAILED --------------------------------------------------------------------------

TEST(IdUpdateFindings, ProcedureFailedAtEndingTimer) {
  auto f = figure_flow();
  const auto e = failed_id_update(*f);
  const auto r = analyze(*f);
  expect_one(*r, "PROCEDURE_FAILED", e.req[4], Severity::Info);
}

TEST(IdUpdateFindings, SuccessfulProcedureDidNotFail) {
  auto f = figure_flow();
  client_initiated_id_update(*f);
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("PROCEDURE_FAILED"), 0u) << r->describe();
}

}  // namespace
}  // namespace oidu::flow
