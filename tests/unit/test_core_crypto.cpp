// HKDF and AEAD (core/crypto.hpp) against published known-answer vectors, plus
// tamper checks for every AEAD of the engine.
#include <gtest/gtest.h>

#include <thread>

#include "core/crypto.hpp"

using oidu::AeadInfo;
using oidu::AeadKey;
using oidu::Bytes;
using oidu::ByteView;
using oidu::HkdfHash;

namespace {

Bytes hex(std::string_view s) {
  auto b = oidu::from_hex(s);
  EXPECT_TRUE(b) << s;
  return b.value_or(Bytes{});
}

Bytes range(unsigned from, unsigned to_exclusive) {
  Bytes out;
  for (unsigned v = from; v < to_exclusive; ++v) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

// ---------------------------------------------------------------- HKDF

struct HkdfCase {
  const char* name;
  HkdfHash hash;
  Bytes ikm, salt, info;
  std::string prk, okm;
};

// RFC 5869 Appendix A test cases 1-3 (SHA-256). RFC 5869 has no SHA-512 cases; those two
// were computed from the RFC 5869 definition with Python's hmac module.
std::vector<HkdfCase> hkdf_cases() {
  return {
      {"rfc5869_tc1", HkdfHash::Sha256, Bytes(22, 0x0b), range(0x00, 0x0d), range(0xf0, 0xfa),
       "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"rfc5869_tc2", HkdfHash::Sha256, range(0x00, 0x50), range(0x60, 0xb0), range(0xb0, 0x100),
       "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
       "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      {"rfc5869_tc3", HkdfHash::Sha256, Bytes(22, 0x0b), {}, {},
       "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
      {"sha512_tc1_inputs", HkdfHash::Sha512, Bytes(22, 0x0b), range(0x00, 0x0d), range(0xf0, 0xfa),
       "665799823737ded04a88e47e54a5890bb2c3d247c7a4254a8e61350723590a26c36238127d8661b88cf80ef802d57e2f"
       "7cebcf1e00e083848be19929c61b4237",
       "832390086cda71fb47625bb5ceb168e4c8e26a1a16ed34d9fc7fe92c1481579338da362cb8d9f925d7cb"},
      {"sha512_tc3_inputs", HkdfHash::Sha512, Bytes(22, 0x0b), {}, {},
       "fd200c4987ac491313bd4a2a13287121247239e11c9ef82802044b66ef357e5b194498d0682611382348572a7b1611de"
       "54764094286320578a863f36562b0df6",
       "f5fa02b18298a72a8c23898a8703472c6eb179dc204c03425c970e3b164bf90fff22d04836d0e2343bac"},
  };
}

TEST(CoreHkdf, KnownAnswers) {
  for (const HkdfCase& c : hkdf_cases()) {
    SCOPED_TRACE(c.name);
    const std::size_t length = c.okm.size() / 2;
    const Bytes prk = oidu::hkdf_extract(c.hash, c.salt, c.ikm);
    EXPECT_EQ(oidu::to_hex(prk), c.prk);
    EXPECT_EQ(oidu::to_hex(oidu::hkdf_expand(c.hash, hex(c.prk), c.info, length)), c.okm);
    EXPECT_EQ(oidu::to_hex(oidu::hkdf(c.hash, c.salt, c.ikm, c.info, length)), c.okm);
  }
}

TEST(CoreHkdf, ExplicitZeroSaltEqualsEmptySalt) {
  // RFC 5869 2.2: "if not provided, [salt] is set to a string of HashLen zeros".
  EXPECT_EQ(oidu::hkdf_extract(HkdfHash::Sha256, Bytes(32, 0), Bytes(22, 0x0b)),
            hex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"));
}

TEST(CoreHkdf, RejectsImpossibleLengths) {
  const Bytes prk(32, 0x11);
  EXPECT_TRUE(oidu::hkdf_expand(HkdfHash::Sha256, prk, {}, 255 * 32 + 1).empty());  // RFC 5869 2.3
  EXPECT_EQ(oidu::hkdf_expand(HkdfHash::Sha256, prk, {}, 255 * 32).size(), 255u * 32);
  EXPECT_TRUE(oidu::hkdf_expand(HkdfHash::Sha256, prk, {}, 0).empty());
}

TEST(CoreHkdf, Names) {
  EXPECT_EQ(oidu::hkdf_by_name("HKDF-SHA-256"), HkdfHash::Sha256);
  EXPECT_EQ(oidu::hkdf_by_name("hkdf-sha-512"), HkdfHash::Sha512);
  EXPECT_EQ(oidu::hkdf_by_name("-10"), HkdfHash::Sha256);
  EXPECT_EQ(oidu::hkdf_by_name("-11"), HkdfHash::Sha512);
  EXPECT_EQ(oidu::hkdf_by_name("SHA-256"), HkdfHash::Sha256);
  EXPECT_EQ(oidu::hkdf_by_name("SHA-512"), HkdfHash::Sha512);
  EXPECT_FALSE(oidu::hkdf_by_name("SHA-1"));
  EXPECT_FALSE(oidu::hkdf_by_name(""));
  EXPECT_STREQ(oidu::hkdf_name(HkdfHash::Sha256), "HKDF-SHA-256");
  EXPECT_STREQ(oidu::hkdf_name(HkdfHash::Sha512), "HKDF-SHA-512");
}

// ---------------------------------------------------------------- algorithm table

TEST(CoreAead, TableMatchesCoseRegistry) {
  // RFC 9053 4.2 (CCM: "16"/"64" = L of 2/8 bytes, so nonce 13/7; middle number = tag
  // bits; last = key bits), 4.1 (GCM) and 4.3 (ChaCha20/Poly1305).
  const struct {
    int id;
    const char* name;
    std::size_t key, nonce, tag;
  } expected[] = {
      {10, "AES-CCM-16-64-128", 16, 13, 8},   {11, "AES-CCM-16-64-256", 32, 13, 8},
      {12, "AES-CCM-64-64-128", 16, 7, 8},    {13, "AES-CCM-64-64-256", 32, 7, 8},
      {30, "AES-CCM-16-128-128", 16, 13, 16}, {31, "AES-CCM-16-128-256", 32, 13, 16},
      {32, "AES-CCM-64-128-128", 16, 7, 16},  {33, "AES-CCM-64-128-256", 32, 7, 16},
      {1, "A128GCM", 16, 12, 16},             {2, "A192GCM", 24, 12, 16},
      {3, "A256GCM", 32, 12, 16},             {24, "ChaCha20/Poly1305", 32, 12, 16},
  };
  EXPECT_EQ(oidu::all_aeads().size(), std::size(expected));
  for (const auto& e : expected) {
    const AeadInfo* a = oidu::aead_by_id(e.id);
    ASSERT_NE(a, nullptr) << e.id;
    EXPECT_STREQ(a->name, e.name);
    EXPECT_EQ(a->key_len, e.key) << e.name;
    EXPECT_EQ(a->nonce_len, e.nonce) << e.name;
    EXPECT_EQ(a->tag_len, e.tag) << e.name;
    EXPECT_EQ(oidu::aead_by_name(e.name), a);
    EXPECT_EQ(oidu::aead_by_name(std::to_string(e.id)), a);
  }
  EXPECT_EQ(oidu::aead_by_id(0), nullptr);
  EXPECT_EQ(oidu::aead_by_id(-10), nullptr);
}

TEST(CoreAead, NamesFromKeyFiles) {
  const AeadInfo* ccm = oidu::aead_by_id(10);
  EXPECT_EQ(oidu::aead_by_name("AES-CCM-16-64-128 (CCM*)"), ccm);  // Wireshark 4.0 key table
  EXPECT_EQ(oidu::aead_by_name("aes-ccm-16-64-128"), ccm);
  EXPECT_EQ(oidu::aead_by_name("  AES-CCM-16-64-128  "), ccm);
  EXPECT_EQ(oidu::aead_by_name("A256GCM (AES-GCM)"), oidu::aead_by_id(3));
  EXPECT_EQ(oidu::aead_by_name("chacha20/poly1305"), oidu::aead_by_id(24));
  EXPECT_EQ(oidu::aead_by_name(""), nullptr);
  EXPECT_EQ(oidu::aead_by_name("(CCM*)"), nullptr);
  EXPECT_EQ(oidu::aead_by_name("AES-CCM-16-64-129"), nullptr);
  EXPECT_EQ(oidu::aead_by_name("99"), nullptr);
  EXPECT_EQ(oidu::aead_by_name("10x"), nullptr);
  EXPECT_EQ(oidu::aead_by_name("-10"), nullptr);
}

// ---------------------------------------------------------------- known answers

struct AeadVector {
  const char* source;
  int cose_id;
  Bytes key, nonce, aad, plaintext;
  std::string ciphertext_and_tag;
};

std::vector<AeadVector> aead_vectors() {
  const Bytes gcm_key = hex("feffe9928665731c6d6a8f9467308308");
  const Bytes gcm_iv = hex("cafebabefacedbaddecaf888");
  const Bytes gcm_pt = hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
      "b16aedf5aa0de657ba637b391aafd255");
  const Bytes gcm_pt60(gcm_pt.begin(), gcm_pt.begin() + 60);
  const Bytes gcm_aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const Bytes pt = range(0x08, 0x1f);
  return {
      {"RFC 3610 packet vector #1 (AES-128, M=8, L=2)", 10, range(0xc0, 0xd0), hex("00000003020100a0a1a2a3a4a5"),
       range(0x00, 0x08), pt, "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384" "17e8d12cfdf926e0"},
      {"GCM spec (McGrew-Viega) test case 3", 1, gcm_key, gcm_iv, {}, gcm_pt,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa05"
       "1ba30b396a0aac973d58e091473f5985" "4d5c2af327cd64a62cf35abd2ba6fab4"},
      {"GCM spec (McGrew-Viega) test case 4", 1, gcm_key, gcm_iv, gcm_aad, gcm_pt60,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa05"
       "1ba30b396a0aac973d58e091" "5bc94fbc3221a5db94fae95ae7121a47"},
      {"GCM spec (McGrew-Viega) test case 9", 2, concat(gcm_key, hex("feffe9928665731c")), gcm_iv, {}, gcm_pt,
       "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f47"
       "18e2448b2fe324d9ccda2710acade256" "9924a7c8587336bfb118024db8674a14"},
      {"GCM spec (McGrew-Viega) test case 15", 3, concat(gcm_key, gcm_key), gcm_iv, {}, gcm_pt,
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838"
       "c5f61e6393ba7a0abcc9f662898015ad" "b094dac5d93471bdec1a502270e3cc6c"},
      {"RFC 8439 2.8.2", 24, range(0x80, 0xa0), hex("070000004041424344454647"), hex("50515253c0c1c2c3c4c5c6c7"),
       [] {
         const std::string_view s =
             "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
             "sunscreen would be it.";
         return Bytes(s.begin(), s.end());
       }(),
       "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
       "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
       "3ff4def08e4b7a9de576d26586cec64b6116" "1ae10b594f09e26a7e902ecbd0600691"},
  };
}

TEST(CoreAead, KnownAnswerVectors) {
  for (const AeadVector& v : aead_vectors()) {
    SCOPED_TRACE(v.source);
    AeadKey key(*oidu::aead_by_id(v.cose_id), v.key);
    Bytes sealed;
    ASSERT_TRUE(key.seal(v.nonce, v.aad, v.plaintext, sealed));
    EXPECT_EQ(oidu::to_hex(sealed), v.ciphertext_and_tag);
    Bytes opened;
    ASSERT_TRUE(key.open(v.nonce, v.aad, hex(v.ciphertext_and_tag), opened));
    EXPECT_EQ(opened, v.plaintext);
  }
}

TEST(CoreAead, KnownAnswersHoldWithKeysInterleaved) {
  // A thread's cipher contexts are shared by every key of an algorithm and re-keyed on
  // demand: with all the vectors' keys alive and used in turn, in both orders and on a
  // second thread, each must still give its own known answer, and no key may open
  // another's message.
  const std::vector<AeadVector> vectors = aead_vectors();
  std::vector<AeadKey> keys;
  for (const AeadVector& v : vectors) keys.emplace_back(*oidu::aead_by_id(v.cose_id), v.key);
  const auto check = [&](std::size_t i) {
    SCOPED_TRACE(vectors[i].source);
    Bytes sealed, opened;
    ASSERT_TRUE(keys[i].seal(vectors[i].nonce, vectors[i].aad, vectors[i].plaintext, sealed));
    EXPECT_EQ(oidu::to_hex(sealed), vectors[i].ciphertext_and_tag);
    for (std::size_t j = 0; j < keys.size(); ++j) {
      if (j == i || keys[j].alg().cose_id != keys[i].alg().cose_id || vectors[j].key == vectors[i].key) continue;
      EXPECT_FALSE(keys[j].open(vectors[i].nonce, vectors[i].aad, sealed, opened)) << vectors[j].source;
    }
    ASSERT_TRUE(keys[i].open(vectors[i].nonce, vectors[i].aad, sealed, opened));
    EXPECT_EQ(opened, vectors[i].plaintext);
  };
  for (std::size_t i = 0; i < keys.size(); ++i) check(i);
  for (std::size_t i = keys.size(); i-- > 0;) check(i);
  std::thread other([&] {
    for (std::size_t i = 0; i < keys.size(); ++i) check(i);
  });
  other.join();
  for (std::size_t i = 0; i < keys.size(); ++i) check(i);

  // A key moved from no longer seals: its bytes went with the move.
  AeadKey moved = std::move(keys[0]);
  Bytes out;
  EXPECT_FALSE(keys[0].seal(vectors[0].nonce, vectors[0].aad, vectors[0].plaintext, out));
  ASSERT_TRUE(moved.seal(vectors[0].nonce, vectors[0].aad, vectors[0].plaintext, out));
  EXPECT_EQ(oidu::to_hex(out), vectors[0].ciphertext_and_tag);
}

// ---------------------------------------------------------------- every AEAD

class EveryAead : public ::testing::TestWithParam<AeadInfo> {
 protected:
  const AeadInfo& alg() const { return *oidu::aead_by_id(GetParam().cose_id); }
  Bytes key_bytes() const { return Bytes(alg().key_len, 0x5a); }
  Bytes nonce_bytes(std::uint8_t seed) const {
    Bytes n(alg().nonce_len);
    for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(seed + i);
    return n;
  }
};

TEST_P(EveryAead, SealOpenAndTamper) {
  AeadKey key(alg(), key_bytes());
  const Bytes nonce = nonce_bytes(1);
  const Bytes aad = hex("8368456e63727970743040488501810a40411440");
  const Bytes plaintext = hex("01b3747631");
  Bytes sealed;
  ASSERT_TRUE(key.seal(nonce, aad, plaintext, sealed));
  ASSERT_EQ(sealed.size(), plaintext.size() + alg().tag_len);

  Bytes opened;
  ASSERT_TRUE(key.open(nonce, aad, sealed, opened));
  EXPECT_EQ(opened, plaintext);

  auto expect_rejected = [&](ByteView n, ByteView a, ByteView in, const char* what) {
    Bytes out{0xee};
    EXPECT_FALSE(key.open(n, a, in, out)) << what;
    EXPECT_TRUE(out.empty()) << what;
  };
  Bytes bad = sealed;
  bad[0] ^= 0x01;
  expect_rejected(nonce, aad, bad, "ciphertext byte");
  bad = sealed;
  bad.back() ^= 0x80;
  expect_rejected(nonce, aad, bad, "tag byte");
  bad = aad;
  bad[5] ^= 0x04;
  expect_rejected(nonce, bad, sealed, "aad byte");
  expect_rejected(nonce, {}, sealed, "aad missing");
  bad = nonce;
  bad[nonce.size() - 1] ^= 0x01;
  expect_rejected(bad, aad, sealed, "nonce byte");
  expect_rejected(nonce, aad, ByteView(sealed).first(sealed.size() - 1), "truncated");
  expect_rejected(nonce, aad, ByteView(sealed).first(alg().tag_len - 1), "shorter than a tag");

  // A failed open must leave the key usable.
  ASSERT_TRUE(key.open(nonce, aad, sealed, opened));
  EXPECT_EQ(opened, plaintext);
}

TEST_P(EveryAead, ReusedKeyMatchesFreshKey) {
  // The cipher context is reused across messages; each result must equal what a fresh
  // key gives, whatever came before (other lengths, empty plaintext, a failed open).
  AeadKey reused(alg(), key_bytes());
  for (std::size_t len : {0u, 1u, 5u, 16u, 17u, 300u}) {
    SCOPED_TRACE(len);
    Bytes pt(len);
    for (std::size_t i = 0; i < len; ++i) pt[i] = static_cast<std::uint8_t>(i * 7);
    const Bytes nonce = nonce_bytes(static_cast<std::uint8_t>(len));
    const Bytes aad(len % 3 == 0 ? 0 : 9, 0x33);

    AeadKey fresh(alg(), key_bytes());
    Bytes expected, got, opened;
    ASSERT_TRUE(fresh.seal(nonce, aad, pt, expected));
    ASSERT_TRUE(reused.seal(nonce, aad, pt, got));
    EXPECT_EQ(got, expected);

    Bytes corrupt = got;
    corrupt[corrupt.size() / 2] ^= 0x10;
    EXPECT_FALSE(reused.open(nonce, aad, corrupt, opened));
    ASSERT_TRUE(reused.open(nonce, aad, got, opened));
    EXPECT_EQ(opened, pt);
  }
}

TEST_P(EveryAead, RejectsWrongSizes) {
  Bytes out;
  AeadKey short_key(alg(), Bytes(alg().key_len - 1, 0x01));
  EXPECT_FALSE(short_key.seal(nonce_bytes(0), {}, Bytes{1}, out));
  EXPECT_FALSE(short_key.open(nonce_bytes(0), {}, Bytes(alg().tag_len + 1, 0), out));

  AeadKey key(alg(), key_bytes());
  EXPECT_FALSE(key.seal(Bytes(alg().nonce_len + 1, 0), {}, Bytes{1}, out));
  EXPECT_FALSE(key.seal(Bytes(alg().nonce_len - 1, 0), {}, Bytes{1}, out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(key.open(Bytes(alg().nonce_len + 1, 0), {}, Bytes(alg().tag_len + 1, 0), out));
  EXPECT_TRUE(key.seal(nonce_bytes(0), {}, Bytes{1}, out));
}

TEST_P(EveryAead, MovedKeyKeepsWorking) {
  AeadKey original(alg(), key_bytes());
  Bytes expected;
  ASSERT_TRUE(original.seal(nonce_bytes(3), {}, Bytes{1, 2, 3}, expected));
  AeadKey moved(std::move(original));
  Bytes got;
  ASSERT_TRUE(moved.seal(nonce_bytes(3), {}, Bytes{1, 2, 3}, got));
  EXPECT_EQ(got, expected);
  EXPECT_EQ(moved.alg().cose_id, GetParam().cose_id);
}

INSTANTIATE_TEST_SUITE_P(All, EveryAead, ::testing::ValuesIn(oidu::all_aeads().begin(), oidu::all_aeads().end()),
                         [](const ::testing::TestParamInfo<AeadInfo>& p) {
                           std::string n = p.param.name;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });
