// KUDOS updateCtx() (core/kudos_derive.hpp): draft-14 values of the vectors file and the
// older derivation reproduced by the Californium prototype.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/kudos_derive.hpp"

using oidu::Bytes;
using oidu::ContextMaterial;
using oidu::KudosContribution;
using oidu::KudosDerivation;
using nlohmann::json;

namespace {

const json& kudos() {
  static const json j = [] {
    std::ifstream in(OIDU_SOURCE_DIR "/tests/vectors/rfc8613-and-kudos-vectors.json");
    EXPECT_TRUE(in) << "vectors file missing";
    return json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return j["kudos"];
}

Bytes hex(const json& v) {
  auto b = oidu::from_hex(v.get<std::string>());
  EXPECT_TRUE(b) << v;
  return b.value_or(Bytes{});
}

KudosContribution contribution(const json& x, const json& n) { return {hex(x).at(0), hex(n)}; }

// CTX_OLD of every KUDOS vector: RFC 8613 C.1 material, AES-CCM-16-64-128, no ID Context.
ContextMaterial ctx_old() {
  ContextMaterial m;
  m.master_secret = *oidu::from_hex("0102030405060708090a0b0c0d0e0f10");
  m.master_salt = *oidu::from_hex("9e7ca92223786340");
  return m;
}

}  // namespace

TEST(CoreKudos, Draft14NewContext) {
  const json& v = kudos()["updateCtx_COMPUTED_HERE_not_a_third_party_vector"];
  const json& d = v["latest_editors_copy"];
  ASSERT_EQ(hex(v["inputs"]["CTX_IN.master_secret"]), ctx_old().master_secret);
  const KudosContribution first = contribution(v["inputs"]["X1"], v["inputs"]["N1"]);
  const KudosContribution second = contribution(v["inputs"]["X2"], v["inputs"]["N2"]);

  const ContextMaterial out = oidu::kudos_new_material(KudosDerivation::Draft14, ctx_old(), first, second);
  EXPECT_EQ(out.master_secret, hex(d["MSECRET_NEW"]));
  EXPECT_EQ(out.master_salt, hex(d["MSALT_NEW (=X_N)"]));
  EXPECT_EQ(out.master_salt, hex(d["X_N"]));
  EXPECT_EQ(out.aead, 10);
  EXPECT_FALSE(out.id_context);

  // draft-14 4.2 sorts the two byte strings: the sending order does not matter.
  const ContextMaterial swapped = oidu::kudos_new_material(KudosDerivation::Draft14, ctx_old(), second, first);
  EXPECT_EQ(swapped.master_secret, out.master_secret);
  EXPECT_EQ(swapped.master_salt, out.master_salt);

  const json& n = d["new_context_for_client_SID_empty_RID_01"];
  EXPECT_EQ(oidu::derive_key(out, Bytes{}), hex(n["sender_key"]));
  EXPECT_EQ(oidu::derive_key(out, Bytes{0x01}), hex(n["recipient_key"]));
  EXPECT_EQ(oidu::derive_common_iv(out), hex(n["common_iv"]));
}

TEST(CoreKudos, Draft14TempContextSaltFollowsTheDraftText) {
  // draft-14 4.3.1: CTX_TEMP uses input1 = X|N and input2 = the empty byte string, whose
  // CBOR encoding 0x40 sorts first; the Master Salt is X_N (4.2).
  const KudosContribution c{0x07, *oidu::from_hex("018a278f7faab55a")};
  const ContextMaterial temp = oidu::kudos_temp_material(KudosDerivation::Draft14, ctx_old(), c);
  EXPECT_EQ(oidu::to_hex(temp.master_salt), "40" "49" "07018a278f7faab55a");
  EXPECT_EQ(temp.master_secret.size(), 16u);
  EXPECT_NE(temp.master_secret, ctx_old().master_secret);
}

TEST(CoreKudos, Draft07StyleCombVector) {
  const json& v = kudos()["updateCtx_COMPUTED_HERE_not_a_third_party_vector"];
  const json& d = v["californium_oscore_cmd_draft07_style"];
  const KudosContribution first = contribution(v["inputs"]["X1"], v["inputs"]["N1"]);
  const KudosContribution second = contribution(v["inputs"]["X2"], v["inputs"]["N2"]);
  const ContextMaterial out = oidu::kudos_new_material(KudosDerivation::Draft07Style, ctx_old(), first, second);
  EXPECT_EQ(out.master_secret, hex(d["MSECRET_NEW"]));
  EXPECT_EQ(out.master_salt, hex(d["MSALT_NEW (=N)"]));
  // Californium's comb(N1, N2), from its KudosTest.testKudosComb.
  EXPECT_EQ(out.master_salt, hex(kudos()["comb_vector_from_californium_KudosTest.testKudosComb"]["N_expected"]));
}

TEST(CoreKudos, CaliforniumRuntimeValues) {
  const json& v = kudos()["californium_runtime_vectors_from_real_KUDOS_run (draft-07-era semantics)"];
  const KudosContribution request = contribution(v["X1"], v["N1"]);
  const KudosContribution response = contribution(v["X2"], v["N2"]);

  const ContextMaterial temp = oidu::kudos_temp_material(KudosDerivation::Draft07Style, ctx_old(), request);
  EXPECT_EQ(temp.master_secret, hex(v["temp_master_secret"]));
  EXPECT_EQ(temp.master_salt, hex(v["temp_master_salt"]));

  const ContextMaterial out = oidu::kudos_new_material(KudosDerivation::Draft07Style, ctx_old(), request, response);
  EXPECT_EQ(out.master_secret, hex(v["new_master_secret"]));
  EXPECT_EQ(out.master_salt, hex(v["new_master_salt"]));

  // The older derivation keeps the sending order, so swapping the contributions changes it.
  const ContextMaterial swapped = oidu::kudos_new_material(KudosDerivation::Draft07Style, ctx_old(), response, request);
  EXPECT_NE(swapped.master_salt, out.master_salt);
}

TEST(CoreKudos, CopiesTheOtherParameters) {
  ContextMaterial in = ctx_old();
  in.id_context = Bytes{0x37, 0xcb};
  in.aead = 24;
  in.hkdf = oidu::HkdfHash::Sha512;
  in.master_secret = Bytes(32, 0x42);
  const KudosContribution a{0x07, Bytes(8, 0x01)};
  const KudosContribution b{0x47, Bytes(8, 0x02)};
  for (KudosDerivation d : {KudosDerivation::Draft14, KudosDerivation::Draft07Style}) {
    SCOPED_TRACE(oidu::kudos_derivation_name(d));
    for (const ContextMaterial& out :
         {oidu::kudos_temp_material(d, in, a), oidu::kudos_new_material(d, in, a, b)}) {
      EXPECT_EQ(out.id_context, in.id_context);
      EXPECT_EQ(out.aead, 24);
      EXPECT_EQ(out.hkdf, oidu::HkdfHash::Sha512);
      EXPECT_EQ(out.master_secret.size(), 32u);  // L = length of the old Master Secret
    }
  }
  EXPECT_STREQ(oidu::kudos_derivation_name(KudosDerivation::Draft14), "draft-14");
  EXPECT_STREQ(oidu::kudos_derivation_name(KudosDerivation::Draft07Style), "draft-07");
}
