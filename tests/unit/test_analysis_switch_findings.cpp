// What links the old IDs to the new ones after an ID update (draft-ietf-core-oscore-
// id-update-06 section 2.2, "Establishing New OSCORE Identifiers Ahead of Network
// Migration"): the figure's client-initiated procedure, then a migration to CTX_B that is
// clean except for one deviation per test. The clean migration must raise none of the
// codes; each deviation must raise exactly its own.
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

struct Deviation {
  bool stay_on_old_addresses = false;  // NEW_ID_ON_OLD_NETWORK
  bool old_ids_afterwards = false;     // OLD_ID_ON_NEW_NETWORK
  bool continue_piv = false;           // PIV_NOT_RESET
  bool keep_client_mac = false;        // MAC_UNCHANGED
  bool keep_kid_context = false;       // ID_CONTEXT_UNCHANGED
  bool continue_mid = false;           // MID_CONTINUES
  bool reuse_token = false;            // TOKEN_REUSED
};

const Bytes kIdContext{0x37, 0xcb, 0xf3, 0x21, 0x00, 0x17, 0xa2, 0xd3};  // RFC 8613 C.3

struct Migration {
  std::unique_ptr<Flow> flow;
  std::uint64_t first_new = 0;  // the client's first request under the new IDs
  std::uint64_t deviant = 0;    // the frame that deviates, where it is not first_new
};

Migration migrate(const Deviation& d) {
  ContextMaterial m = rfc8613_material();
  m.id_context = kIdContext;
  Migration out;
  out.flow = std::make_unique<Flow>(m, b({0x01}), b({0x00}));
  Flow& f = *out.flow;
  f.send_kid_context(kIdContext);  // in clear in every request before the switch
  client_initiated_id_update(f);
  const Bytes old_token = f.last_request().token;
  const std::uint64_t last_old_seq = f.initial().next_seq[at(Peer::Client)] - 1;

  if (!d.stay_on_old_addresses) {
    if (d.keep_client_mac) {
      f.move(Peer::Client, ip4(192, 168, 7, 10));
    } else {
      f.move(Peer::Client, ip4(192, 168, 7, 10), mac(0x21));
    }
    f.move(Peer::Server, ip4(192, 168, 7, 20), mac(0x22));
  }
  if (!d.keep_kid_context) f.send_kid_context(std::nullopt);
  if (!d.continue_mid) f.set_next_mid(0x9a31);
  Ctx& ctx_b = f.with_ids(f.initial(), b({0x78}), b({0x42}));
  f.use(ctx_b);

  Msg first;
  if (d.continue_piv) first.seq = last_old_seq + 1;
  first.token = d.reuse_token ? old_token : b({0xc4, 0x51, 0x10});
  out.first_new = f.request(first);
  f.response();
  Msg second;
  second.token = b({0xc4, 0x51, 0x11});
  if (d.old_ids_afterwards) second.ctx = &f.initial();
  out.deviant = f.request(second);
  f.response();
  return out;
}

const char* const kCodes[] = {"NEW_ID_ON_OLD_NETWORK", "OLD_ID_ON_NEW_NETWORK", "PIV_NOT_RESET",
                              "MAC_UNCHANGED",         "ID_CONTEXT_UNCHANGED",  "MID_CONTINUES",
                              "TOKEN_REUSED"};

TEST(SwitchFindings, CleanMigrationRaisesNone) {
  const auto mig = migrate({});
  const auto r = analyze(*mig.flow);
  ASSERT_EQ(r->procedures.size(), 1u);
  EXPECT_EQ(r->procedures[0].outcome, Outcome::Success);
  EXPECT_EQ(r->message(mig.first_new).status, DecryptStatus::Decrypted);
  EXPECT_EQ(r->message(mig.first_new).context, r->procedures[0].new_context);
  for (const char* code : kCodes) EXPECT_EQ(r->count(code), 0u) << code << ": " << r->describe();
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

// Each deviation raises its code once, on the frame that shows it, and nothing else.
void expect_only(const Migration& mig, const std::string& code, std::uint64_t frame, Severity s) {
  const auto r = analyze(*mig.flow);
  expect_one(*r, code, frame, s);
  EXPECT_EQ(r->findings.size(), 1u) << r->describe();
  if (!r->findings.empty() && !r->procedures.empty()) {
    EXPECT_EQ(r->findings[0].procedure, r->procedures[0].id);
  }
}

TEST(SwitchFindings, NewIdOnOldNetwork) {
  Deviation d;
  d.stay_on_old_addresses = true;
  const auto mig = migrate(d);
  expect_only(mig, "NEW_ID_ON_OLD_NETWORK", mig.first_new, Severity::Warning);
}

TEST(SwitchFindings, OldIdOnNewNetwork) {
  Deviation d;
  d.old_ids_afterwards = true;
  const auto mig = migrate(d);
  expect_only(mig, "OLD_ID_ON_NEW_NETWORK", mig.deviant, Severity::Warning);
}

TEST(SwitchFindings, PivNotReset) {
  Deviation d;
  d.continue_piv = true;
  const auto mig = migrate(d);
  expect_only(mig, "PIV_NOT_RESET", mig.first_new, Severity::Warning);
}

TEST(SwitchFindings, MacUnchanged) {
  Deviation d;
  d.keep_client_mac = true;
  const auto mig = migrate(d);
  expect_only(mig, "MAC_UNCHANGED", mig.first_new, Severity::Warning);
}

TEST(SwitchFindings, IdContextUnchanged) {
  Deviation d;
  d.keep_kid_context = true;
  const auto mig = migrate(d);
  expect_only(mig, "ID_CONTEXT_UNCHANGED", mig.first_new, Severity::Warning);
}

TEST(SwitchFindings, MidContinues) {
  Deviation d;
  d.continue_mid = true;
  const auto mig = migrate(d);
  expect_only(mig, "MID_CONTINUES", mig.first_new, Severity::Info);
}

TEST(SwitchFindings, TokenReused) {
  Deviation d;
  d.reuse_token = true;
  const auto mig = migrate(d);
  expect_only(mig, "TOKEN_REUSED", mig.first_new, Severity::Info);
}

TEST(SwitchFindings, PeerThatDidNotMoveKeepsItsMacLegitimately) {
  // Only the client migrates; the server keeps its address and hence its MAC, and the
  // address pair is new: neither MAC_UNCHANGED nor NEW_ID_ON_OLD_NETWORK.
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  client_initiated_id_update(f);
  f.move(Peer::Client, ip4(192, 168, 7, 10), mac(0x21));
  f.set_next_mid(0x9a31);
  f.use(f.with_ids(f.initial(), b({0x78}), b({0x42})));
  Msg first;
  first.token = b({0xc4, 0x51, 0x10});
  f.request(first);
  f.response();
  const auto r = analyze(f);
  EXPECT_EQ(r->count("MAC_UNCHANGED"), 0u) << r->describe();
  EXPECT_EQ(r->count("NEW_ID_ON_OLD_NETWORK"), 0u) << r->describe();
}

// IDs rotated again and again on one context (section 2 allows any number of runs): the
// client offers `client_offer` under the current context, the server `server_offer`, and
// after the four exchanges the client moves to `to` and both use the new IDs there.
Ctx& rotate(Flow& f, const Ctx& current, std::uint8_t client_offer, std::uint8_t server_offer, IpAddress to,
            std::uint8_t to_mac, std::uint16_t next_mid) {
  f.request(with({rid({client_offer})}));
  f.response(with({rid({server_offer}), ack({client_offer})}));
  for (int i = 0; i < 2; ++i) {
    f.request(with({ack({server_offer})}));
    f.response(with({ack({client_offer})}));
  }
  f.request(with({ack({server_offer})}));
  f.response();
  f.move(Peer::Client, to, mac(to_mac));
  f.set_next_mid(next_mid);
  Ctx& next = f.with_ids(current, b({server_offer}), b({client_offer}));
  f.use(next);
  return next;
}

// Three rotations from the figure's IDs, an exchange after each of the first two; the
// client moves to 192.168.7.10, then 192.168.8.10, then `third_network`.
void rotate_three_times(Flow& f, IpAddress third_network) {
  Ctx& ctx_b = rotate(f, f.initial(), 0x42, 0x78, ip4(192, 168, 7, 10), 0x21, 0x1000);
  f.request();
  f.response();
  Ctx& ctx_c = rotate(f, ctx_b, 0x23, 0x17, ip4(192, 168, 8, 10), 0x31, 0x2000);
  f.request();
  f.response();
  rotate(f, ctx_c, 0x5a, 0x6b, third_network, 0x41, 0x3000);
}

TEST(SwitchFindings, IdsRotatedThreeTimesLeakNothing) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  rotate_three_times(f, ip4(192, 168, 9, 10));
  const std::uint64_t last = f.request();
  f.response();
  const auto r = analyze(f);

  ASSERT_EQ(r->procedures.size(), 3u) << r->describe();
  const Bytes old_client[] = {b({0x01}), b({0x78}), b({0x17})};
  const Bytes new_client[] = {b({0x78}), b({0x17}), b({0x6b})};
  for (std::size_t i = 0; i < 3; ++i) {
    const ProcedureRecord& p = r->procedures[i];
    EXPECT_EQ(p.outcome, Outcome::Success) << "procedure " << p.id;
    EXPECT_EQ(p.old_client_id, old_client[i]) << "procedure " << p.id;
    ASSERT_TRUE(p.new_client_id.has_value());
    EXPECT_EQ(*p.new_client_id, new_client[i]) << "procedure " << p.id;
  }
  EXPECT_EQ(r->message(last).status, DecryptStatus::Decrypted) << r->message(last).problem;
  EXPECT_EQ(r->message(last).context, r->procedures[2].new_context);
  EXPECT_TRUE(r->findings.empty()) << r->describe();
}

TEST(SwitchFindings, LatestIdsBackOnTheNetworkOfEarlierOnesAreLinked) {
  // After three rotations the client returns to the address it used with the second IDs
  // (those of the first update): an observer that saw them there links them to the
  // fourth, although the third IDs stood in between.
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  rotate_three_times(f, ip4(192, 168, 7, 10));
  const std::uint64_t back = f.request();
  f.response();
  const auto r = analyze(f);

  ASSERT_EQ(r->procedures.size(), 3u) << r->describe();
  expect_one(*r, "NEW_ID_ON_OLD_NETWORK", back, Severity::Warning);
  EXPECT_EQ(r->findings.size(), 1u) << r->describe();
  if (!r->findings.empty()) {
    EXPECT_EQ(r->findings[0].procedure, r->procedures[2].id);
  }
}

}  // namespace
}  // namespace oidu::flow
