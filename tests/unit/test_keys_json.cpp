// The native JSON key file: named contexts, bootstrap material for KUDOS no-FS, and
// line-accurate errors. RFC 8613 Appendix C contexts must derive the RFC's keys.
#include <gtest/gtest.h>

#include "keys_test_support.hpp"

namespace oidu {
namespace {

using keys_test::any_error_contains;
using keys_test::expect_derives_vector;

TEST(KeysJson, NamedContextsDeriveRfc8613Keys) {
  const auto r = parse_key_text(R"({
  "contexts": [
    {"name": "c3", "client_sender_id": "", "server_sender_id": "01",
     "master_secret": "0102030405060708090a0b0c0d0e0f10", "master_salt": "9e7ca92223786340",
     "id_context": "37cbf3210017a2d3", "aead": "AES-CCM-16-64-128", "hkdf": "HKDF-SHA-256"},
    {"name": "c2", "client_sender_id": "00", "server_sender_id": "01",
     "master_secret": "0102030405060708090a0b0c0d0e0f10", "id_context": null, "aead": 10, "hkdf": -10}
  ]
})",
                                "keys.json");
  ASSERT_EQ(r.format, KeyFileFormat::Json);
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].name, "c3");
  EXPECT_EQ(r.entries[0].origin, "keys.json:3");
  expect_derives_vector(r.entries[0], "C.3.1");
  EXPECT_EQ(r.entries[1].name, "c2");
  EXPECT_EQ(r.entries[1].origin, "keys.json:6");
  EXPECT_FALSE(r.entries[1].material.id_context.has_value());
  EXPECT_FALSE(r.entries[1].bootstrap_master_secret.has_value());
  expect_derives_vector(r.entries[1], "C.2.1");
}

TEST(KeysJson, BootstrapMaterialAndDefaults) {
  const auto r = parse_key_json(
      R"({"contexts": [{"client_sender_id": "02", "server_sender_id": "01",
        "master_secret": "aa", "id_context": "",
        "bootstrap_master_secret": "0102", "bootstrap_master_salt": "0304", "hkdf": "HKDF-SHA-512"}]})",
      "b.json");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 1u);
  const auto& e = r.entries[0];
  EXPECT_EQ(e.name, "b.json:1");  // unnamed: named after where it is
  EXPECT_EQ(e.material.aead, 10);  // RFC 8613 3.2: AES-CCM-16-64-128 by default
  EXPECT_EQ(e.material.hkdf, HkdfHash::Sha512);
  ASSERT_TRUE(e.material.id_context.has_value());  // "" is an empty ID Context, not none
  EXPECT_TRUE(e.material.id_context->empty());
  EXPECT_EQ(to_hex(*e.bootstrap_master_secret), "0102");
  EXPECT_EQ(to_hex(*e.bootstrap_master_salt), "0304");
}

TEST(KeysJson, SyntaxErrorNamesTheLine) {
  const auto r = parse_key_text("{\n  \"contexts\": [\n    {\"name\": \"a\",,}\n  ]\n}\n", "s.json");
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("s.json:3: invalid JSON: ", 0), 0u) << r.errors[0];
}

TEST(KeysJson, NumberTooLargeForADoubleIsAnErrorNotACrash) {
  // Found by fuzz_keys: nlohmann throws out_of_range (406) here, not parse_error.
  const auto r = parse_key_text("{\"contexts\": [\n {\"aead\": -4e9020}]}", "n.json");
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("n.json:2: invalid JSON: number overflow", 0), 0u) << r.errors[0];
}

TEST(KeysJson, EachBadContextIsReportedAtItsLine) {
  const auto r = parse_key_json(R"({"contexts": [
  {"name": "ok", "client_sender_id": "", "server_sender_id": "01", "master_secret": "01"},
  {"name": "typo", "client_sender_id": "", "server_sender_id": "01", "master_secret": "01",
   "master_slat": "00"},
  {"name": "alg", "client_sender_id": "", "server_sender_id": "01", "master_secret": "01",
   "aead": "ROT13"},
  {"name": "ok", "client_sender_id": "", "server_sender_id": "02", "master_secret": "01"},
  {"client_sender_id": 5, "master_secret": "xyz"},
  [1, 2]
]})",
                                "e.json");
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_TRUE(any_error_contains(r, "e.json:3: unknown field \"master_slat\" (known: name, "));
  EXPECT_TRUE(any_error_contains(r, "e.json:5: unknown AEAD algorithm \"ROT13\" (accepted: "));
  EXPECT_TRUE(any_error_contains(r, "e.json:7: name \"ok\" is already used on line 2"));
  EXPECT_TRUE(any_error_contains(r, "e.json:8: client_sender_id must be a hex string"));
  EXPECT_TRUE(any_error_contains(r, "e.json:8: server_sender_id is missing"));
  EXPECT_TRUE(any_error_contains(r, "e.json:8: master_secret \"xyz\" is not a hex string"));
  EXPECT_TRUE(any_error_contains(r, "contexts[5] is not an object"));
}

TEST(KeysJson, MissingContextsArray) {
  const auto r = parse_key_json(R"({"context": []})", "m.json");
  EXPECT_TRUE(any_error_contains(r, "m.json:1: expected an object with a \"contexts\" array"));
}

}  // namespace
}  // namespace oidu
