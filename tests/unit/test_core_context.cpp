// RFC 8613 Security Context derivation (Appendix C.1-C.3) and message protection
// (Appendix C.4-C.8), from tests/vectors/rfc8613-and-kudos-vectors.json.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/context.hpp"

using oidu::Bytes;
using oidu::ByteView;
using oidu::ContextMaterial;
using oidu::SecurityContext;
using nlohmann::json;

namespace {

const json& vectors() {
  static const json j = [] {
    std::ifstream in(OIDU_SOURCE_DIR "/tests/vectors/rfc8613-and-kudos-vectors.json");
    EXPECT_TRUE(in) << "vectors file missing";
    return json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return j;
}

Bytes hex(const json& v) {
  if (v.is_null()) return {};
  auto b = oidu::from_hex(v.get<std::string>());
  EXPECT_TRUE(b) << v;
  return b.value_or(Bytes{});
}

ContextMaterial material_of(const json& inputs) {
  ContextMaterial m;
  m.master_secret = hex(inputs["master_secret"]);
  m.master_salt = hex(inputs["master_salt"]);
  if (!inputs["id_context"].is_null()) m.id_context = hex(inputs["id_context"]);
  m.aead = inputs["aead_alg"].get<int>();
  m.hkdf = oidu::hkdf_by_name(inputs["hkdf"].get<std::string>()).value();
  return m;
}

const json& rfc(const std::string& section) { return vectors()["rfc8613"][section]; }

}  // namespace

class Derivation : public ::testing::TestWithParam<std::string> {};

TEST_P(Derivation, MatchesRfc8613) {
  const json& v = rfc(GetParam());
  ASSERT_TRUE(v.is_object()) << GetParam();
  const json& d = v["derived"];
  const ContextMaterial m = material_of(v["inputs"]);
  const Bytes sid = hex(v["inputs"]["sender_id"]);
  const Bytes rid = hex(v["inputs"]["recipient_id"]);

  EXPECT_EQ(oidu::derivation_info(sid, m.id_context, m.aead, "Key", 16), hex(d["info_sender_key"]));
  EXPECT_EQ(oidu::derivation_info(rid, m.id_context, m.aead, "Key", 16), hex(d["info_recipient_key"]));
  EXPECT_EQ(oidu::derivation_info({}, m.id_context, m.aead, "IV", 13), hex(d["info_common_iv"]));
  EXPECT_EQ(oidu::derive_key(m, sid), hex(d["sender_key"]));
  EXPECT_EQ(oidu::derive_key(m, rid), hex(d["recipient_key"]));
  const Bytes iv = oidu::derive_common_iv(m);
  EXPECT_EQ(iv, hex(d["common_iv"]));
  const Bytes piv0{0x00};
  EXPECT_EQ(oidu::aead_nonce(iv, sid, piv0), hex(d["sender_nonce_piv0"]));
  EXPECT_EQ(oidu::aead_nonce(iv, rid, piv0), hex(d["recipient_nonce_piv0"]));

  SecurityContext ctx(m);
  EXPECT_EQ(ctx.common_iv(), hex(d["common_iv"]));
  EXPECT_EQ(ctx.raw_key_for(sid), hex(d["sender_key"]));
  EXPECT_EQ(ctx.raw_key_for(rid), hex(d["recipient_key"]));
  EXPECT_EQ(ctx.raw_key_for(sid), hex(d["sender_key"]));  // cached value is still right
}

INSTANTIATE_TEST_SUITE_P(Rfc8613, Derivation, ::testing::Values("C.1.1", "C.1.2", "C.2.1", "C.2.2", "C.3.1", "C.3.2"),
                         [](const auto& p) {
                           std::string n = p.param;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

// One protected message of Appendix C.4-C.8 and the context that protects it.
struct ProtectionCase {
  const char* section;
  const char* context;  // derivation section whose material is used
  const char* sender_id;
  bool response_without_piv;
};

class Protection : public ::testing::TestWithParam<ProtectionCase> {};

TEST_P(Protection, MatchesRfc8613) {
  const ProtectionCase& c = GetParam();
  const json& v = rfc(c.section);
  ASSERT_TRUE(v.is_object()) << c.section;
  SecurityContext ctx(material_of(rfc(c.context)["inputs"]));
  const Bytes sender = *oidu::from_hex(c.sender_id);

  const bool request = v.contains("kid");
  const Bytes request_kid = hex(request ? v["kid"] : v["request_kid"]);
  const Bytes request_piv = hex(request ? v["partial_iv"] : v["request_piv"]);
  // RFC 8613 5.2: a response without Partial IV reuses the request's nonce.
  const Bytes nonce_id = c.response_without_piv || request ? request_kid : sender;
  const Bytes nonce_piv = c.response_without_piv ? request_piv : hex(v["partial_iv"]);
  const oidu::AeadInputs in{sender, nonce_id, nonce_piv, request_kid, request_piv};

  EXPECT_EQ(ctx.raw_key_for(sender), hex(v["encryption_key"]));
  EXPECT_EQ(ctx.nonce(in), hex(v["nonce"]));
  const Bytes ext = oidu::external_aad(ctx.material().aead, request_kid, request_piv, {});
  EXPECT_EQ(ext, hex(v["aad_array"]));
  EXPECT_EQ(oidu::enc_structure(ext), hex(v["aad"]));

  Bytes ciphertext;
  ASSERT_TRUE(ctx.seal(in, hex(v["plaintext"]), ciphertext));
  EXPECT_EQ(ciphertext, hex(v["ciphertext"]));

  Bytes plaintext;
  ASSERT_TRUE(ctx.open(in, hex(v["ciphertext"]), plaintext));
  EXPECT_EQ(plaintext, hex(v["plaintext"]));

  // The same bytes under the other peer's key, or with another request_piv, must fail.
  const Bytes other = sender.empty() ? Bytes{0x01} : Bytes{};
  oidu::AeadInputs wrong = in;
  wrong.sender_id = other;
  EXPECT_FALSE(ctx.open(wrong, hex(v["ciphertext"]), plaintext));
  const Bytes other_piv{0x15};
  wrong = in;
  wrong.request_piv = other_piv;
  EXPECT_FALSE(ctx.open(wrong, hex(v["ciphertext"]), plaintext));
}

INSTANTIATE_TEST_SUITE_P(Rfc8613, Protection,
                         ::testing::Values(ProtectionCase{"C.4", "C.1.1", "", false},
                                           ProtectionCase{"C.5", "C.2.1", "00", false},
                                           ProtectionCase{"C.6", "C.3.1", "", false},
                                           ProtectionCase{"C.7", "C.1.2", "01", true},
                                           ProtectionCase{"C.8", "C.1.2", "01", false}),
                         [](const auto& p) {
                           std::string n = p.param.section;
                           for (char& ch : n)
                             if (ch == '.') ch = '_';
                           return n;
                         });

TEST(CoreContext, NonceRejectsOverlongInputs) {
  const Bytes iv(13, 0x00);
  EXPECT_EQ(oidu::aead_nonce(iv, Bytes(7, 0xaa), Bytes(5, 0xbb)).size(), 13u);
  EXPECT_TRUE(oidu::aead_nonce(iv, Bytes(8, 0xaa), Bytes{1}).empty());  // ID longer than nonce_len - 6
  EXPECT_TRUE(oidu::aead_nonce(iv, Bytes{1}, Bytes(6, 0xbb)).empty());  // PIV longer than 5 bytes
  EXPECT_TRUE(oidu::aead_nonce(Bytes(5, 0), {}, Bytes{1}).empty());  // no room for the 5-byte PIV
}

TEST(CoreContext, NonceLayoutForLongestIdAndPiv) {
  // RFC 8613 5.2 / Figure 5: size byte, ID_PIV left-padded to nonce_len - 6, PIV to 5.
  const Bytes iv(13, 0x00);
  EXPECT_EQ(oidu::to_hex(oidu::aead_nonce(iv, Bytes{0xa1, 0xa2}, Bytes{0x01, 0x02})), "020000000000a1a20000000102");
  EXPECT_EQ(oidu::to_hex(oidu::aead_nonce(Bytes(7, 0xff), Bytes{0x42}, Bytes{0x07})), "febdfffffffff8");
}

TEST(CoreContext, IdLengthLimitFollowsNonceLength) {
  ContextMaterial m;
  m.master_secret = Bytes(16, 0x01);
  EXPECT_EQ(SecurityContext(m).max_id_length(), 7u);  // AES-CCM-16-64-128
  m.aead = 12;
  EXPECT_EQ(SecurityContext(m).max_id_length(), 1u);  // AES-CCM-64-64-128: 7-byte nonce
  m.aead = 24;
  EXPECT_EQ(SecurityContext(m).max_id_length(), 6u);

  m.aead = 12;
  SecurityContext ctx(m);
  const Bytes long_id{0x01, 0x02};
  const Bytes piv{0x01};
  Bytes out;
  EXPECT_FALSE(ctx.seal({long_id, long_id, piv, long_id, piv}, Bytes{0x01}, out));
  EXPECT_FALSE(ctx.open({long_id, long_id, piv, long_id, piv}, Bytes(9, 0x00), out));
}

TEST(CoreContext, EveryAeadRoundTripsThroughAContext) {
  for (const oidu::AeadInfo& a : oidu::all_aeads()) {
    SCOPED_TRACE(a.name);
    ContextMaterial m;
    m.master_secret = Bytes(16, 0x01);
    m.aead = a.cose_id;
    m.hkdf = oidu::HkdfHash::Sha512;
    SecurityContext ctx(m);
    EXPECT_EQ(ctx.common_iv().size(), a.nonce_len);
    EXPECT_EQ(ctx.raw_key_for(Bytes{0x01}).size(), a.key_len);
    const Bytes id{0x01};
    const Bytes piv{0x05};
    const oidu::AeadInputs in{id, id, piv, id, piv};
    Bytes sealed, opened;
    ASSERT_TRUE(ctx.seal(in, Bytes{0x45, 0xff, 0x48}, sealed));
    ASSERT_TRUE(ctx.open(in, sealed, opened));
    EXPECT_EQ(opened, (Bytes{0x45, 0xff, 0x48}));
  }
}

TEST(CoreContext, UnknownAeadIsAnError) {
  ContextMaterial m;
  m.master_secret = Bytes(16, 0x01);
  m.aead = 99;
  EXPECT_THROW(SecurityContext{m}, std::invalid_argument);
  EXPECT_TRUE(oidu::derive_key(m, {}).empty());
  EXPECT_TRUE(oidu::derive_common_iv(m).empty());
}

TEST(CoreContext, SameTriple) {
  const ContextMaterial a = material_of(rfc("C.1.1")["inputs"]);
  ContextMaterial b = a;
  b.aead = 30;  // the algorithm is not part of the triple
  EXPECT_TRUE(a.same_triple(b));
  b.id_context = Bytes{};
  EXPECT_FALSE(a.same_triple(b));  // empty ID Context differs from an absent one
  EXPECT_FALSE(a.same_triple(material_of(rfc("C.2.1")["inputs"])));
  EXPECT_FALSE(a.same_triple(material_of(rfc("C.3.1")["inputs"])));
}
