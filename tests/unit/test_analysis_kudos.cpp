// KUDOS (draft-ietf-core-oscore-key-update-14): the Examples section's executions
// replayed message by message, an ID update integrated in KUDOS
// (draft-ietf-core-oscore-id-update-06 section 2), and the KUDOS findings, each with a
// sequence that raises it and a near-identical one that does not.
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

// 'x' bytes (draft-14 4.1): |0|z|b|p|m|, m = nonce length - 1.
constexpr std::uint8_t kDivergent = 0x07;   // b'00000111', as in the examples
constexpr std::uint8_t kConvergent = 0x47;  // b'01000111'
constexpr std::uint8_t kB = 0x20;           // preserve observations
constexpr std::uint8_t kNoFs = 0x10;        // 'p'

const Bytes kN1{0x01, 0x8a, 0x27, 0x8f, 0x7f, 0xaa, 0xb5, 0x5a};
const Bytes kN2{0x25, 0xa8, 0x99, 0x1c, 0xd7, 0x00, 0xac, 0x01};
const Bytes kN3{0x9b, 0x11, 0x4c, 0x6e, 0x02, 0x3f, 0xd0, 0x77};
const Bytes kN4{0x4e, 0x90, 0x0a, 0xd3, 0x61, 0x5c, 0x28, 0xee};

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A KUDOS message protected with `ctx`, carrying (x, nonce) in the OSCORE option.
Msg kudos(Ctx& ctx, const KudosField& k, OptionList inner = {}) {
  Msg m = with(std::move(inner));
  m.ctx = &ctx;
  m.kudos = k;
  return m;
}

// A request to /.well-known/kudos (draft-14 6.2).
OptionList well_known(OptionList more = {}) {
  OptionList o{{11, text(".well-known")}, {11, text("kudos")}};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

const ProcedureRecord& only_kudos(const Result& r) {
  const auto all = r.of_type(ProcedureType::Kudos);
  EXPECT_EQ(all.size(), 1u);
  for (const auto& p : r.procedures)
    if (p.type == ProcedureType::Kudos) return p;
  throw std::runtime_error("no KUDOS procedure");
}

struct RequestInitiated {
  std::uint64_t req1, resp1, req2, resp2;
  Ctx* ctx_new;
};

// Example "Successful KUDOS Execution Initiated with a Request Message".
RequestInitiated request_initiated(Flow& f, const Ctx& old) {
  const KudosField k1{kDivergent, kN1};
  const KudosField k2{kConvergent, kN2};
  const ContextMaterial ctx_in = old.sc->material();
  Ctx& temp = f.kudos_temp(ctx_in, k1, old);
  Ctx& fresh = f.kudos_new(ctx_in, k1, k2, old);
  RequestInitiated e{};
  e.req1 = f.request(kudos(temp, k1, well_known()));
  e.resp1 = f.response(kudos(fresh, k2));
  f.use(fresh);
  e.req2 = f.request();
  e.resp2 = f.response();
  e.ctx_new = &fresh;
  return e;
}

TEST(Kudos, InitiatedWithARequestAsInExample) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = request_initiated(f, f.initial());
  const auto r = analyze(f);

  const ProcedureRecord& p = only_kudos(*r);
  EXPECT_EQ(p.initiator, Role::Client);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.mode, ProcedureMode::ForwardSecrecy);
  EXPECT_EQ(p.derivation, KudosDerivation::Draft14);
  // The client achieves key confirmation when it verifies Response #1 with CTX_NEW; the
  // server when it verifies Request #2, a non-KUDOS message protected with CTX_NEW.
  EXPECT_EQ(p.client_peer.completed_at, e.resp1);
  EXPECT_EQ(p.server_peer.completed_at, e.req2);
  EXPECT_EQ(p.client_peer.final_state, KudosState::Idle);
  EXPECT_EQ(p.server_peer.final_state, KudosState::Idle);
  EXPECT_EQ(p.first_frame, e.req1);

  EXPECT_EQ(r->message(e.req1).role, MessageRole::Divergent);
  EXPECT_EQ(r->message(e.resp1).role, MessageRole::Convergent);
  EXPECT_EQ(r->message(e.req2).role, MessageRole::KeyConfirmation);
  for (std::uint64_t fr : {e.req1, e.resp1, e.req2, e.resp2}) {
    EXPECT_EQ(r->message(fr).status, DecryptStatus::Decrypted) << "frame " << fr;
  }
  EXPECT_EQ(r->message(e.req2).context, p.new_context);
  EXPECT_EQ(r->message(e.resp2).context, p.new_context);
  ASSERT_TRUE(r->message(e.req1).kudos.has_value());
  EXPECT_EQ(r->message(e.req1).kudos->derivation, KudosDerivation::Draft14);
  // The context the engine derived is the one the peers derived.
  bool found = false;
  for (const auto& c : r->contexts) {
    if (c.name == p.new_context) {
      found = true;
      EXPECT_EQ(c.master_secret, e.ctx_new->sc->material().master_secret);
      EXPECT_EQ(c.master_salt, e.ctx_new->sc->material().master_salt);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

TEST(Kudos, InitiatedWithAResponseAsInExample) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const Ctx& old = f.initial();
  const KudosField k1{kDivergent, kN1};   // the server's
  const KudosField k2{kConvergent, kN2};  // the client's
  Ctx& temp = f.kudos_temp(old.sc->material(), k1, old);
  Ctx& fresh = f.kudos_new(old.sc->material(), k1, k2, old);
  const auto req1 = f.request();
  const auto resp1 = f.response(kudos(temp, k1));
  const auto req2 = f.request(kudos(fresh, k2, well_known()));
  f.use(fresh);
  const auto resp2 = f.response();
  const auto r = analyze(f);

  const ProcedureRecord& p = only_kudos(*r);
  EXPECT_EQ(p.initiator, Role::Server);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.mode, ProcedureMode::ForwardSecrecy);
  EXPECT_EQ(p.derivation, KudosDerivation::Draft14);
  EXPECT_EQ(p.server_peer.completed_at, req2);
  EXPECT_EQ(p.client_peer.completed_at, resp2);
  EXPECT_EQ(r->message(req1).procedure, std::nullopt);
  EXPECT_EQ(r->message(resp1).role, MessageRole::Divergent);
  EXPECT_EQ(r->message(req2).role, MessageRole::Convergent);
  EXPECT_EQ(r->message(resp2).role, MessageRole::KeyConfirmation);
  for (std::uint64_t fr : {req1, resp1, req2, resp2}) {
    EXPECT_EQ(r->message(fr).status, DecryptStatus::Decrypted) << "frame " << fr;
  }
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

struct Integrated {
  std::uint64_t req1, resp1;
  std::vector<std::uint64_t> after;  // request, response, request, response with the new IDs
  Ctx* ctx_new;
};

// Recipient-ID in the divergent request and in the convergent response
// (draft-ietf-core-oscore-id-update-06 section 2): the new IDs hold as soon as that pair is
// exchanged, on top of CTX_NEW. The peers then move to a new network, so that nothing
// but the procedure itself is under test.
Integrated integrated(Flow& f) {
  const Ctx& old = f.initial();
  const KudosField k1{kDivergent, kN1};
  const KudosField k2{kConvergent, kN2};
  Ctx& temp = f.kudos_temp(old.sc->material(), k1, old);
  Ctx& fresh = f.kudos_new(old.sc->material(), k1, k2, old);
  Integrated e{};
  e.ctx_new = &fresh;
  e.req1 = f.request(kudos(temp, k1, well_known({rid({0x42})})));
  e.resp1 = f.response(kudos(fresh, k2, {rid({0x78}), ack({0x42})}));
  f.move(Peer::Client, ip4(192, 168, 7, 10), mac(0x21));
  f.move(Peer::Server, ip4(192, 168, 7, 20), mac(0x22));
  f.set_next_mid(0x9a31);
  f.use(f.with_ids(fresh, b({0x78}), b({0x42})));
  for (std::uint8_t i = 0; i < 2; ++i) {
    Msg m;
    m.token = b({0xc4, 0x51, i});
    e.after.push_back(f.request(m));
    e.after.push_back(f.response());
  }
  return e;
}

TEST(Kudos, IdUpdateIntegratedInKudos) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = integrated(f);
  const auto r = analyze(f);

  const auto idu = r->of_type(ProcedureType::IdUpdate);
  ASSERT_EQ(idu.size(), 1u) << r->describe();
  EXPECT_EQ(idu[0].mode, ProcedureMode::Integrated);
  EXPECT_EQ(idu[0].initiator, Role::Client);
  EXPECT_EQ(idu[0].outcome, Outcome::Success);
  EXPECT_EQ(idu[0].new_client_id, b({0x78}));
  EXPECT_EQ(idu[0].new_server_id, b({0x42}));
  EXPECT_EQ(idu[0].client_peer.completed_at, e.resp1);
  EXPECT_EQ(idu[0].server_peer.completed_at, e.resp1);
  const auto kd = r->of_type(ProcedureType::Kudos);
  ASSERT_EQ(kd.size(), 1u);
  EXPECT_EQ(idu[0].kudos_procedure, kd[0].id);
  EXPECT_EQ(kd[0].mode, ProcedureMode::ForwardSecrecy);
  EXPECT_EQ(kd[0].client_peer.completed_at, e.resp1);

  // Traffic with the new IDs opens, with CTX_NEW's keys.
  for (std::uint64_t fr : e.after) {
    const MessageRecord& m = r->message(fr);
    EXPECT_EQ(m.status, DecryptStatus::Decrypted) << "frame " << fr << ": " << m.problem;
    EXPECT_EQ(m.context, idu[0].new_context) << "frame " << fr;
  }
  bool found = false;
  for (const auto& c : r->contexts) {
    if (c.name != idu[0].new_context) continue;
    found = true;
    EXPECT_EQ(c.master_secret, e.ctx_new->sc->material().master_secret);
    EXPECT_EQ(c.client_id, b({0x78}));
    EXPECT_EQ(c.server_id, b({0x42}));
  }
  EXPECT_TRUE(found);
  // The stand-alone rules on Recipient IDs do not apply to an integrated update.
  EXPECT_EQ(r->count("RID_REUSED") + r->count("RID_IS_OWN_SENDER_ID"), 0u) << r->describe();
}

TEST(Kudos, IntegratedKudosIsConfirmedByTrafficWithTheNewIds) {
  // The new IDs are only used with CTX_NEW (id-update-06 section 2: never with CTX_OLD
  // or CTX_TEMP), so the client's first request with them is "a non KUDOS message
  // protected with the latest CTX_NEW" (key-update-14, KUDOS State Machine, PENDING): the server
  // achieves key confirmation there and its response is no longer sent while PENDING.
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const auto e = integrated(f);
  const auto r = analyze(f);
  const ProcedureRecord& p = only_kudos(*r);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.server_peer.completed_at, e.after[0]);
  EXPECT_EQ(r->count("NON_KUDOS_WHILE_BUSY"), 0u) << r->describe();
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

// ---- NON_KUDOS_WHILE_BUSY -------------------------------------------------------------

TEST(KudosFindings, NonKudosWhileBusy) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const Ctx& old = f.initial();
  const KudosField k1{kDivergent, kN1};
  const KudosField k2{kConvergent, kN2};
  Ctx& temp = f.kudos_temp(old.sc->material(), k1, old);
  Ctx& fresh = f.kudos_new(old.sc->material(), k1, k2, old);
  f.request(kudos(temp, k1, well_known()));
  const Sent divergent = f.last_request();
  // The client is BUSY (it offered its nonce) and sends an ordinary request.
  const auto busy = f.request();
  f.response_to(divergent, kudos(fresh, k2));
  const auto r = analyze(f);
  expect_one(*r, "NON_KUDOS_WHILE_BUSY", busy, Severity::Error);
}

TEST(KudosFindings, NonKudosBeforeKudosIsFine) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  f.request();
  f.response();
  request_initiated(f, f.initial());
  const auto r = analyze(f);
  EXPECT_EQ(r->count("NON_KUDOS_WHILE_BUSY"), 0u) << r->describe();
  EXPECT_EQ(only_kudos(*r).outcome, Outcome::Success);
}

// ---- KUDOS_B_BIT_CHANGED ----------------------------------------------------------------

// Example "KUDOS Response #1 is Lost": the client sends its divergent request again.
TEST(KudosFindings, BBitChangedBetweenDivergentRequests) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const Ctx& old = f.initial();
  const KudosField k1{kDivergent, kN1};
  const KudosField k1b{static_cast<std::uint8_t>(kDivergent | kB), kN1};
  f.request(kudos(f.kudos_temp(old.sc->material(), k1, old), k1, well_known()));
  f.advance(30);
  const auto changed =
      f.request(kudos(f.kudos_temp(old.sc->material(), k1b, old), k1b, well_known()));
  const auto r = analyze(f);
  ASSERT_EQ(r->message(changed).status, DecryptStatus::Decrypted) << r->message(changed).problem;
  expect_one(*r, "KUDOS_B_BIT_CHANGED", changed, Severity::Error);
}

TEST(KudosFindings, SameBBitAfterLostResponseAsInExample) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const Ctx& old = f.initial();
  const KudosField k1{kDivergent, kN1};
  const KudosField k3{kConvergent, kN3};
  Ctx& temp = f.kudos_temp(old.sc->material(), k1, old);
  Ctx& fresh = f.kudos_new(old.sc->material(), k1, k3, old);
  const auto req1 = f.request(kudos(temp, k1, well_known()));
  f.advance(30);                                               // Response #1 was lost
  const auto req2 = f.request(kudos(temp, k1, well_known()));  // CTX_TEMP again, Partial IV 1
  const auto resp2 = f.response(kudos(fresh, k3));
  f.use(fresh);
  const auto req3 = f.request();
  f.response();
  const auto r = analyze(f);
  EXPECT_EQ(r->count("KUDOS_B_BIT_CHANGED"), 0u) << r->describe();
  const ProcedureRecord& p = only_kudos(*r);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.first_frame, req1);
  EXPECT_EQ(r->message(req2).role, MessageRole::Divergent);
  EXPECT_EQ(p.client_peer.completed_at, resp2);
  EXPECT_EQ(p.server_peer.completed_at, req3);
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

// ---- KUDOS_NO_FS_DOWNGRADE -----------------------------------------------------------------

KeyEntry with_bootstrap(const Flow& f) {
  KeyEntry k = f.key_entry();
  k.bootstrap_master_secret = Bytes{0xb0, 0x07, 0x51, 0xec, 0x3e, 0x70, 0x00, 0x01,
                                    0xb0, 0x07, 0x51, 0xec, 0x3e, 0x70, 0x00, 0x02};
  k.bootstrap_master_salt = Bytes{0x5a, 0x17};
  return k;
}

// CTX_BOOTSTRAP (draft-14 4.5.2): CTX_OLD with the Bootstrap Master Secret and Salt.
ContextMaterial bootstrap_of(const Flow& f, const KeyEntry& k) {
  ContextMaterial m = f.material();
  m.master_secret = *k.bootstrap_master_secret;
  m.master_salt = *k.bootstrap_master_salt;
  return m;
}

struct Second {
  std::uint64_t divergent, convergent, confirmation;
};

// A second KUDOS execution after a first one in FS mode, in FS or no-FS mode.
Second second_kudos(Flow& f, const Ctx& ctx_old, const ContextMaterial& ctx_in, bool no_fs) {
  const std::uint8_t p = no_fs ? kNoFs : 0;
  const KudosField k3{static_cast<std::uint8_t>(kDivergent | p), kN3};
  const KudosField k4{static_cast<std::uint8_t>(kConvergent | p), kN4};
  Ctx& temp = f.kudos_temp(ctx_in, k3, ctx_old);
  Ctx& fresh = f.kudos_new(ctx_in, k3, k4, ctx_old);
  Second s{};
  s.divergent = f.request(kudos(temp, k3, well_known()));
  s.convergent = f.response(kudos(fresh, k4));
  f.use(fresh);
  s.confirmation = f.request();
  f.response();
  return s;
}

TEST(KudosFindings, NoFsDowngradeAfterFsRun) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const KeyEntry key = with_bootstrap(f);
  const auto first = request_initiated(f, f.initial());
  const auto s = second_kudos(f, *first.ctx_new, bootstrap_of(f, key), true);
  const auto r = analyze(f, {key});
  ASSERT_EQ(r->message(s.divergent).status, DecryptStatus::Decrypted)
      << r->message(s.divergent).problem;
  expect_one(*r, "KUDOS_NO_FS_DOWNGRADE", s.divergent, Severity::Warning);
  const auto runs = r->of_type(ProcedureType::Kudos);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].mode, ProcedureMode::ForwardSecrecy);
  EXPECT_EQ(runs[1].mode, ProcedureMode::NoForwardSecrecy);
  EXPECT_EQ(runs[1].outcome, Outcome::Success);
}

TEST(KudosFindings, SecondFsRunIsNoDowngrade) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  const KeyEntry key = with_bootstrap(f);
  const auto first = request_initiated(f, f.initial());
  const auto s = second_kudos(f, *first.ctx_new, first.ctx_new->sc->material(), false);
  const auto r = analyze(f, {key});
  EXPECT_EQ(r->message(s.confirmation).status, DecryptStatus::Decrypted);
  EXPECT_EQ(r->count("KUDOS_NO_FS_DOWNGRADE"), 0u) << r->describe();
  const auto runs = r->of_type(ProcedureType::Kudos);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].mode, ProcedureMode::ForwardSecrecy);
  EXPECT_EQ(runs[1].outcome, Outcome::Success);
}

TEST(KudosFindings, FirstRunInNoFsModeIsNoDowngrade) {
  Flow g(rfc8613_material(), b({0x01}), b({0x00}));
  const KeyEntry key = with_bootstrap(g);
  const ContextMaterial boot = bootstrap_of(g, key);
  const KudosField k1{static_cast<std::uint8_t>(kDivergent | kNoFs), kN1};
  const KudosField k2{static_cast<std::uint8_t>(kConvergent | kNoFs), kN2};
  Ctx& temp = g.kudos_temp(boot, k1, g.initial());
  Ctx& fresh = g.kudos_new(boot, k1, k2, g.initial());
  g.request(kudos(temp, k1, well_known()));
  const auto resp1 = g.response(kudos(fresh, k2));
  g.use(fresh);
  const auto req2 = g.request();
  g.response();
  const auto r = analyze(g, {key});
  EXPECT_EQ(r->count("KUDOS_NO_FS_DOWNGRADE"), 0u) << r->describe();
  const ProcedureRecord& p = only_kudos(*r);
  EXPECT_EQ(p.mode, ProcedureMode::NoForwardSecrecy);
  EXPECT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.client_peer.completed_at, resp1);
  EXPECT_EQ(p.server_peer.completed_at, req2);
}

// A no-FS KUDOS message cannot be opened when the key file has no bootstrap material:
// the problem says so instead of naming only the contexts that failed.
TEST(KudosFindings, NoFsWithoutBootstrapMaterialSaysWhatIsMissing) {
  Flow g(rfc8613_material(), b({0x01}), b({0x00}));
  const KeyEntry key = with_bootstrap(g);
  const ContextMaterial boot = bootstrap_of(g, key);
  const KudosField k1{static_cast<std::uint8_t>(kDivergent | kNoFs), kN1};
  Ctx& temp = g.kudos_temp(boot, k1, g.initial());
  const auto req1 = g.request(kudos(temp, k1, well_known()));
  const auto r = analyze(g, {g.key_entry()});
  const MessageRecord& m = r->message(req1);
  EXPECT_EQ(m.status, DecryptStatus::Failed);
  EXPECT_NE(m.problem.find("no-FS KUDOS needs bootstrap material in the key file"), std::string::npos) << m.problem;
  EXPECT_EQ(r->count("DECRYPT_FAILED"), 1u) << r->describe();
}

}  // namespace
}  // namespace oidu::flow
