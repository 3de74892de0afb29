// libcoap oscore_conf files, in the syntax of coap-oscore-conf(5). The example files are
// the man page's own examples; the RFC 8613 C.1/C.2 contexts written in that syntax must
// derive the RFC's keys.
#include <gtest/gtest.h>

#include "keys_test_support.hpp"

namespace oidu {
namespace {

using keys_test::any_error_contains;
using keys_test::expect_derives_vector;

// coap-oscore-conf(5), "EXAMPLE CLIENT OSCORE CONFIGURATION FILE".
constexpr const char* kManPageClient = R"(
# Master Secret (same for both client and server)
master_secret,hex,"0102030405060708090a0b0c0d0e0f10"

# Master Salt (same for both client and server)
master_salt,hex,"9e7ca92223786340"

# Sender ID (This is the client who is the Sender)
sender_id,ascii,"client"

# Recipient ID (It is the server that is remote)
recipient_id,ascii,"server"

# Replay Window (usually 32)
replay_window,integer,32

# AEAD COSE Cipher Algorithm (usually 10)
aead_alg,integer,10

# HKDF COSE Algorithm (usually -10)
hkdf_alg,integer,-10
)";

// coap-oscore-conf(5), "EXAMPLE COMPLEX CLIENT OSCORE CONFIGURATION FILE".
constexpr const char* kManPageComplexClient = R"(
# Master Secret (same for both client and server)
master_secret,hex,"0102030405060708090a0b0c0d0e0f10"

# Master Salt (same for both client and server)
master_salt,hex,"9e7ca92223786340"

# Sender ID (This is the client who is the Sender)
sender_id,ascii,"client"

# Replay Window (usually 32)
replay_window,integer,32

# AEAD COSE Cipher Algorithm (usually 10)
aead_alg,integer,10

# HKDF COSE Algorithm (usually -10)
hkdf_alg,integer,-10

# Set up complex recipient definition
complex_recipient,config,'

# Recipient ID (It is the server that is remote)
recipient_id,ascii,"server"

# Remote server is silent
silent_server,bool,true

# Closing ' for complex_recipient
'
)";

Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

TEST(KeysLibcoap, ManPageClientExample) {
  const auto r = parse_key_text(kManPageClient, "client.conf");
  ASSERT_EQ(r.format, KeyFileFormat::LibcoapConf);
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 1u);
  const auto& e = r.entries[0];
  EXPECT_EQ(e.client_id, ascii("client"));
  EXPECT_EQ(e.server_id, ascii("server"));
  EXPECT_EQ(to_hex(e.material.master_secret), "0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(to_hex(e.material.master_salt), "9e7ca92223786340");
  EXPECT_FALSE(e.material.id_context.has_value());
  EXPECT_EQ(e.material.aead, 10);
  EXPECT_EQ(e.material.hkdf, HkdfHash::Sha256);
  EXPECT_EQ(e.origin, "client.conf:12");  // the recipient_id line
}

TEST(KeysLibcoap, ManPageComplexClientExample) {
  const auto r = parse_key_text(kManPageComplexClient, "c.conf");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].client_id, ascii("client"));
  EXPECT_EQ(r.entries[0].server_id, ascii("server"));
}

TEST(KeysLibcoap, Rfc8613C1ContextDerivesTheRfcKeys) {
  const auto r = parse_libcoap_conf(
      "master_secret,hex,\"0102030405060708090a0b0c0d0e0f10\"\n"
      "master_salt,hex,\"9e7ca92223786340\"\n"
      "sender_id,hex,\"\"\n"
      "recipient_id,hex,\"01\"\n"
      "aead_alg,text,\"AES-CCM-16-64-128\"\n"
      "hkdf_alg,text,\"direct+HKDF-SHA-256\"\n",
      "c1");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 1u);
  expect_derives_vector(r.entries[0], "C.1.1");
}

TEST(KeysLibcoap, ServerWithSeveralRecipientsGivesOneEntryEach) {
  // Unquoted values are allowed too; a server may list several recipient_ids.
  const auto r = parse_libcoap_conf(
      "master_secret,hex,0102030405060708090a0b0c0d0e0f10\n"
      "sender_id,hex,01\n"
      "recipient_id,hex,00\n"
      "complex_recipient,config,'recipient_id,hex,\"02\"'\n"
      "rfc8613_b_2,bool,false\n",
      "server.conf");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 2u);
  // Read as the client's file: the server's own ID lands in client_id. See libcoap_conf.cpp.
  EXPECT_EQ(to_hex(r.entries[0].client_id), "01");
  EXPECT_EQ(to_hex(r.entries[0].server_id), "00");
  EXPECT_EQ(to_hex(r.entries[1].server_id), "02");
  EXPECT_EQ(r.entries[1].origin, "server.conf:4");
  EXPECT_TRUE(r.entries[0].material.master_salt.empty());  // RFC 8613 C.2 has no salt
  // Swapped back, the first one is RFC 8613 C.2.1 (client 00, server 01).
  KeyEntry c21 = r.entries[0];
  std::swap(c21.client_id, c21.server_id);
  expect_derives_vector(c21, "C.2.1");
}

TEST(KeysLibcoap, EachBadLineIsReported) {
  const auto r = parse_libcoap_conf(
      "master_secret,hex,\"0102\"\n"
      "master_secret,hex,\"0304\"\n"
      "sender_id,integer,5\n"
      "sender_id,base64,\"AA==\"\n"
      "colour,hex,\"00\"\n"
      "recipient_id,hex,\"0z\"\n"
      "aead_alg,text,\"AES-CCM-16-64-512\"\n"
      "hkdf_alg,integer,-99\n"
      "rfc8613_b_2,bool,yes\n"
      "just one field\n"
      "sender_id,ascii,\"unterminated\n",
      "bad.conf");
  EXPECT_TRUE(r.entries.empty());
  const std::vector<std::string> expected_starts = {
      "bad.conf:2: master_secret is given twice (first on line 1)",
      "bad.conf:3: sender_id takes ascii or hex, not integer",
      "bad.conf:4: unknown encoding \"base64\"",
      "bad.conf:5: unknown keyword \"colour\"",
      "bad.conf:6: recipient_id \"0z\" is not a hex string",
      "bad.conf:7: unknown AEAD algorithm \"AES-CCM-16-64-512\" (accepted: ",
      "bad.conf:8: unknown HKDF algorithm \"-99\" (accepted: HKDF-SHA-256 (-10), HKDF-SHA-512 (-11))",
      "bad.conf:9: rfc8613_b_2: expected true or false",
      "bad.conf:10: expected keyword,encoding,value",
      "bad.conf:11: value has no closing quote",
      "bad.conf: sender_id is missing",
      "bad.conf: recipient_id",
  };
  ASSERT_EQ(r.errors.size(), expected_starts.size());
  for (std::size_t i = 0; i < expected_starts.size(); ++i) {
    EXPECT_EQ(r.errors[i].rfind(expected_starts[i], 0), 0u) << r.errors[i];
  }
}

TEST(KeysLibcoap, IdLongerThanTheNonceAllowsIsRefused) {
  // libcoap itself refuses a sender_id over 7 bytes for AES-CCM-16-64-128.
  const auto r = parse_libcoap_conf(
      "master_secret,hex,\"0102\"\nsender_id,ascii,\"12345678\"\nrecipient_id,hex,\"01\"\n", "l");
  EXPECT_TRUE(r.entries.empty());
  EXPECT_TRUE(any_error_contains(r, "l:3: the client's Sender ID is 8 bytes long"));
}

TEST(KeysLibcoap, UnclosedComplexBlockIsReported) {
  const auto r = parse_libcoap_conf(
      "master_secret,hex,\"0102\"\nsender_id,hex,\"\"\ncomplex_recipient,config,'\n"
      "recipient_id,hex,\"01\"\n",
      "u");
  EXPECT_TRUE(any_error_contains(r, "u:3: the complex block opened here has no closing '"));
}

}  // namespace
}  // namespace oidu
