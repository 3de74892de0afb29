// Requests whose kid several contexts share: the resolver tries the slot that opened the
// endpoint's last request first (analysis/request_hints.hpp), and the context a request
// is attributed to must still be the one the store's order picks, the newest that opens it.
#include <gtest/gtest.h>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

// A key entry with the flow's client Sender ID and other keys: listed after the flow's
// own entry, so the store lists it first for that kid.
KeyEntry decoy(const Flow& f, std::uint8_t server_id) {
  KeyEntry k = f.key_entry("decoy");
  k.server_id = b({server_id});
  k.material.master_secret[0] ^= 0xff;
  return k;
}

TEST(RequestHints, RequestsOpenWithTheirOwnContextPastANewerOneWithTheSameKid) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  std::vector<std::uint64_t> requests, responses;
  for (int i = 0; i < 6; ++i) {
    requests.push_back(f.request());
    responses.push_back(f.response());
  }
  const auto r = analyze(f, {f.key_entry("ctx"), decoy(f, 0x09)});
  for (std::uint64_t fr : requests) {
    EXPECT_EQ(r->message(fr).status, DecryptStatus::Decrypted) << "frame " << fr;
    EXPECT_EQ(r->message(fr).context, "ctx") << "frame " << fr;
  }
  for (std::uint64_t fr : responses) EXPECT_EQ(r->message(fr).context, "ctx") << "frame " << fr;
}

// The server offers the client's current Sender ID back: CTX_B keeps the client's key for
// kid 0x01, so the client's requests open under CTX_A and CTX_B alike. Once CTX_B exists
// (it is newer), they belong to it, although CTX_A opened the requests before.
TEST(RequestHints, ANewerContextThatOpensTheRequestAlikeTakesIt) {
  Flow f(rfc8613_material(), b({0x01}), b({0x00}));
  f.request();
  f.response();
  f.request();
  f.response();
  f.request(with({rid({0x07})}));
  f.response(with({rid({0x01}), ack({0x07})}));
  f.request(with({ack({0x01})}));
  f.response(with({ack({0x07})}));
  f.request(with({ack({0x01})}));
  f.response(with({ack({0x07})}));
  f.request(with({ack({0x01})}));
  f.response();
  // The peers switch to CTX_B: client 0x01 (kept), server 0x07; the client's sequence
  // numbers go on, so no nonce is reused.
  Ctx& ctx_b = f.with_ids(f.current(), b({0x01}), b({0x07}));
  f.use(ctx_b);
  std::vector<std::uint64_t> after;
  for (int i = 0; i < 3; ++i) {
    Msg m;
    m.seq = 100 + i;
    after.push_back(f.request(m));
    f.response();
  }
  const auto r = analyze(f, {f.key_entry("ctx"), decoy(f, 0x09)});

  ASSERT_EQ(r->procedures.size(), 1u) << r->describe();
  const ProcedureRecord& p = r->procedures.front();
  ASSERT_EQ(p.outcome, Outcome::Success);
  EXPECT_EQ(p.new_client_id, b({0x01}));
  EXPECT_EQ(p.new_server_id, b({0x07}));
  ASSERT_FALSE(p.new_context.empty());
  for (std::uint64_t fr : after) {
    EXPECT_EQ(r->message(fr).status, DecryptStatus::Decrypted) << "frame " << fr;
    EXPECT_EQ(r->message(fr).context, p.new_context) << "frame " << fr;
  }
}

}  // namespace
}  // namespace oidu::flow
