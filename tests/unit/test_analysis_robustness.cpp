// Verification failures, nonce reuse, wrong keys, damaged and retransmitted datagrams:
// the engine must report what is wrong and never crash or count a message twice.
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

// ---- NONCE_REUSE ------------------------------------------------------------------------

TEST(NonceReuse, TwoRequestsWithOnePartialIv) {
  auto f = figure_flow();
  Msg first;
  first.seq = 5;
  f->request(first);
  f->response();
  Msg second;
  second.seq = 5;
  second.payload = Bytes{'o', 't', 'h', 'e', 'r'};
  const auto reuse = f->request(second);
  const auto r = analyze(*f);
  ASSERT_EQ(r->message(reuse).status, DecryptStatus::Decrypted);
  expect_one(*r, "NONCE_REUSE", reuse, Severity::Error);
}

TEST(NonceReuse, NextPartialIvIsNoReuse) {
  auto f = figure_flow();
  Msg first;
  first.seq = 5;
  f->request(first);
  f->response();
  Msg second;
  second.seq = 6;
  second.payload = Bytes{'o', 't', 'h', 'e', 'r'};
  f->request(second);
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("NONCE_REUSE"), 0u) << r->describe();
}

TEST(NonceReuse, SameProtectedMessageUnderANewMessageIdIsNoReuse) {
  // A client that resends the very same OSCORE request in a new CoAP message: the
  // ciphertext is identical, so no second message was protected with that nonce.
  auto f = figure_flow();
  Msg m;
  m.seq = 5;
  m.token = b({0x77});
  f->request(m);
  const auto again = f->request(m);
  const auto r = analyze(*f);
  EXPECT_NE(r->message(again).status, DecryptStatus::Duplicate);
  EXPECT_EQ(r->count("NONCE_REUSE"), 0u) << r->describe();
}

// An Observe registration (RFC 7641): inner and outer Observe, so notifications follow.
Msg observe_registration() {
  Msg m;
  m.inner = {{kObserve, {}}};
  m.outer = {{kObserve, {}}};
  return m;
}

// A notification with Observe sequence `n`, sent as NON with Message ID `mid`.
Msg notification(std::uint8_t n, std::uint16_t mid, bool own_piv) {
  Msg m;
  m.inner = {{kObserve, b({n})}};
  m.outer = {{kObserve, b({n})}};
  m.payload = Bytes{'v', n};
  m.mid = mid;
  m.own_piv = own_piv;
  return m;
}

TEST(NonceReuse, LatePartialIvFillingAGapIsNoReuseButAnOldOneAgainIs) {
  auto f = figure_flow();
  for (std::uint64_t seq : {5u, 9u, 7u}) {
    Msg m;
    m.seq = seq;
    f->request(m);
    f->response();
  }
  Msg late;  // fills the gap 6..8 next to 7: still new
  late.seq = 8;
  f->request(late);
  f->response();
  Msg again;  // 7 was used, with other content
  again.seq = 7;
  again.payload = Bytes{'o', 't', 'h', 'e', 'r'};
  const auto reuse = f->request(again);
  const auto r = analyze(*f);
  ASSERT_EQ(r->message(reuse).status, DecryptStatus::Decrypted);
  EXPECT_EQ(r->count("NONCE_REUSE"), 1u) << r->describe();
  expect_one(*r, "NONCE_REUSE", reuse, Severity::Error);
}

TEST(NonceReuse, TwoNotificationsWithoutPartialIv) {
  // Both reuse the request's nonce (RFC 8613 5.2): two different plaintexts, one nonce.
  // RFC 8613 8.3 requires the server's own Partial IV in notifications for this reason.
  auto f = figure_flow();
  f->request(observe_registration());
  f->response(notification(1, 0x7001, false));
  const auto reuse = f->response(notification(2, 0x7002, false));
  const auto r = analyze(*f);
  ASSERT_EQ(r->message(reuse).status, DecryptStatus::Decrypted) << r->message(reuse).problem;
  expect_one(*r, "NONCE_REUSE", reuse, Severity::Error);
}

TEST(NonceReuse, NotificationWithOwnPartialIvIsNoReuse) {
  auto f = figure_flow();
  f->request(observe_registration());
  f->response(notification(1, 0x7001, false));
  const auto second = f->response(notification(2, 0x7002, true));
  const auto r = analyze(*f);
  EXPECT_EQ(r->message(second).status, DecryptStatus::Decrypted) << r->message(second).problem;
  EXPECT_EQ(r->count("NONCE_REUSE"), 0u) << r->describe();
}

// ---- DECRYPT_FAILED -----------------------------------------------------------------------

TEST(DecryptFailed, CorruptedRequestOfAKnownKid) {
  auto f = figure_flow();
  Msg m;
  m.corrupt = true;
  const auto bad = f->request(m);
  const auto r = analyze(*f);
  EXPECT_EQ(r->message(bad).status, DecryptStatus::Failed);
  expect_one(*r, "DECRYPT_FAILED", bad, Severity::Warning);
}

TEST(DecryptFailed, CorruptedResponseOfAKnownExchange) {
  auto f = figure_flow();
  f->request();
  Msg m;
  m.corrupt = true;
  const auto bad = f->response(m);
  const auto r = analyze(*f);
  EXPECT_EQ(r->message(bad).status, DecryptStatus::Failed);
  expect_one(*r, "DECRYPT_FAILED", bad, Severity::Warning);
}

TEST(DecryptFailed, IntactMessagesVerify) {
  auto f = figure_flow();
  f->request();
  f->response();
  const auto r = analyze(*f);
  EXPECT_EQ(r->count("DECRYPT_FAILED"), 0u) << r->describe();
}

TEST(DecryptFailed, UnknownKidIsNoContextNotAFailure) {
  // Nothing ties kid 0x05 to a known context: the message is not ours to verify.
  auto f = figure_flow();
  Msg m;
  m.corrupt = true;
  m.ctx = &f->with_ids(f->initial(), b({0x05}), b({0x06}));
  const auto foreign = f->request(m);
  const auto r = analyze(*f);
  EXPECT_EQ(r->message(foreign).status, DecryptStatus::NoContext);
  EXPECT_EQ(r->count("DECRYPT_FAILED"), 0u) << r->describe();
}

// ---- Wrong key, damaged and repeated datagrams ------------------------------------------------

TEST(Robustness, WrongKeyFailsEveryRequestWithoutCrashing) {
  auto f = figure_flow();
  const auto e = client_initiated_id_update(*f);
  KeyEntry wrong = f->key_entry();
  wrong.material.master_secret.back() ^= 0xff;
  const auto r = analyze(*f, {wrong});
  for (const auto& m : r->messages) {
    EXPECT_NE(m.status, DecryptStatus::Decrypted) << "frame " << m.frame;
    if (m.kind == MessageKind::Request) {
      EXPECT_EQ(m.status, DecryptStatus::Failed) << "frame " << m.frame;
    }
  }
  // Every request has the kid of the known context and fails its verification.
  for (int i = 1; i <= 4; ++i) {
    bool reported = false;
    for (const auto& fnd : r->with_code("DECRYPT_FAILED")) reported |= fnd.frame == e.req[i];
    EXPECT_TRUE(reported) << "Request #" << i << ": " << r->describe();
  }
  for (const auto& fnd : r->findings) EXPECT_EQ(fnd.code, FindingCode::DecryptFailed);
  EXPECT_TRUE(r->procedures.empty());
  EXPECT_EQ(r->summary.decrypted, 0u);
  EXPECT_EQ(r->summary.undecryptable, 8u);
}

TEST(Robustness, EveryTruncationOfEveryDatagramIsHandled) {
  auto f = figure_flow();
  const auto e = client_initiated_id_update(*f);
  const std::size_t whole = f->frames().size();
  for (std::uint64_t fr = 1; fr <= whole; ++fr) {
    const std::size_t size = f->frames()[fr - 1].udp_payload.size();
    for (std::size_t keep = 0; keep < size; ++keep) f->truncated(fr, keep);
  }
  const auto r = analyze(*f);
  // The intact procedure before the damage is unaffected.
  ASSERT_FALSE(r->procedures.empty());
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Success);
  EXPECT_EQ(r->procedures[0].server_peer.completed_at, e.req[4]);
  for (const auto& m : r->messages) {
    if (m.frame > whole) {
      EXPECT_NE(m.status, DecryptStatus::Decrypted) << "frame " << m.frame;
    }
  }
  EXPECT_EQ(r->summary.frames, f->frames().size());
  EXPECT_GT(r->summary.malformed, 0u);
}

TEST(Robustness, RetransmissionsAreDuplicatesAndCountOnce) {
  // Request #2 and Response #2 of the figure each arrive twice. Were the copies counted,
  // the server would see its third ack at Request #3 instead of Request #4.
  auto f = figure_flow();
  f->request(with({rid({0x42})}));
  f->response(with({rid({0x78}), ack({0x42})}));
  const auto req2 = f->request(with({ack({0x78})}));
  const auto req2_again = f->repeat(req2);
  const auto resp2 = f->response(with({ack({0x42})}));
  const auto resp2_again = f->repeat(resp2);
  f->request(with({ack({0x78})}));
  const auto resp3 = f->response(with({ack({0x42})}));
  const auto req4 = f->request(with({ack({0x78})}));
  f->response();
  const auto r = analyze(*f);

  EXPECT_EQ(r->message(req2_again).status, DecryptStatus::Duplicate);
  EXPECT_EQ(r->message(resp2_again).status, DecryptStatus::Duplicate);
  EXPECT_EQ(r->summary.duplicates, 2u);
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Success);
  EXPECT_EQ(r->procedures[0].client_peer.completed_at, resp3);
  EXPECT_EQ(r->procedures[0].server_peer.completed_at, req4);
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

TEST(Robustness, FramesThatAreNotUdpAreCountedNotAnalyzed) {
  auto f = figure_flow();
  f->request();
  f->response();
  std::vector<Frame> frames = f->frames();
  Frame odd;
  odd.number = 3;
  odd.is_udp = false;
  odd.problem = "truncated IPv4 header";
  frames.push_back(odd);
  Result r;
  {
    Analyzer a({}, {f->key_entry()}, r);
    for (const auto& fr : frames) a.process(fr);
    a.finish();
    r.summary = a.summary();
  }
  EXPECT_EQ(r.summary.frames, 3u);
  EXPECT_EQ(r.summary.bad_frames, 1u);
  EXPECT_EQ(r.summary.decrypted, 2u);
}

}  // namespace
}  // namespace oidu::flow
