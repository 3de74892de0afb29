// Format detection from the content, file loading, and agreement of the three formats
// on one context (RFC 8613 C.1).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "keys_test_support.hpp"

namespace oidu {
namespace {

using keys_test::any_error_contains;
using keys_test::expect_derives_vector;

constexpr const char* kUat =
    "# Wireshark\n\"\",\"01\",\"0102030405060708090a0b0c0d0e0f10\",\"9e7ca92223786340\",\"\","
    "\"AES-CCM-16-64-128 (CCM*)\"\n";
constexpr const char* kLibcoap =
    "# libcoap\n\nmaster_secret,hex,\"0102030405060708090a0b0c0d0e0f10\"\n"
    "master_salt,hex,\"9e7ca92223786340\"\nsender_id,hex,\"\"\nrecipient_id,hex,\"01\"\n";
constexpr const char* kJson =
    "\n  {\"contexts\": [{\"client_sender_id\": \"\", \"server_sender_id\": \"01\",\n"
    "   \"master_secret\": \"0102030405060708090a0b0c0d0e0f10\", \"master_salt\": "
    "\"9e7ca92223786340\"}]}\n";

TEST(KeysDetect, EachFormatIsRecognisedAndAgrees) {
  const std::pair<const char*, KeyFileFormat> cases[] = {
      {kUat, KeyFileFormat::WiresharkUat},
      {kLibcoap, KeyFileFormat::LibcoapConf},
      {kJson, KeyFileFormat::Json}};
  for (const auto& [text, format] : cases) {
    const auto r = parse_key_text(text, "f");
    ASSERT_EQ(r.format, format) << text;
    ASSERT_TRUE(r.errors.empty()) << r.errors.front();
    ASSERT_EQ(r.entries.size(), 1u);
    EXPECT_EQ(to_hex(r.entries[0].material.master_salt), "9e7ca92223786340");
    expect_derives_vector(r.entries[0], "C.1.1");
  }
}

TEST(KeysDetect, FormatNames) {
  EXPECT_STREQ(key_file_format_name(KeyFileFormat::WiresharkUat), "wireshark");
  EXPECT_STREQ(key_file_format_name(KeyFileFormat::LibcoapConf), "libcoap");
  EXPECT_STREQ(key_file_format_name(KeyFileFormat::Json), "json");
}

TEST(KeysDetect, UnknownContentIsAnError) {
  const auto r = parse_key_text("# comment\n\n-----BEGIN PRIVATE KEY-----\n", "pem");
  EXPECT_FALSE(r.format.has_value());
  EXPECT_TRUE(r.entries.empty());
  EXPECT_TRUE(any_error_contains(r, "pem:3: not a key file"));
}

TEST(KeysDetect, EmptyFileHasNoContexts) {
  for (const char* text : {"", "\n\n", "# only a comment\n"}) {
    const auto r = parse_key_text(text, "empty");
    EXPECT_TRUE(r.entries.empty());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "empty: no OSCORE contexts in the file");
  }
}

TEST(KeysDetect, MissingFileIsAnError) {
  const auto r = load_key_file("/nonexistent/dir/keys.txt");
  EXPECT_FALSE(r.format.has_value());
  EXPECT_TRUE(any_error_contains(r, "/nonexistent/dir/keys.txt: cannot open: "));
}

// `--keys <(...)`: the key file is a pipe, with no size to read up to; longer than one
// read block, so that it arrives in pieces.
TEST(KeysDetect, KeyFileFromAPipeIsReadWhole) {
  const std::string line(kUat + std::string_view(kUat).find('\n') + 1);
  std::string text = "# Wireshark\n";
  constexpr int kLines = 2000;
  for (int i = 0; i < kLines; ++i) text += line;
  ASSERT_GT(text.size(), std::size_t{1} << 17);
  const std::string path = ::testing::TempDir() + "oidu-keys-fifo-" + std::to_string(::getpid());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(path, std::ios::binary);
    out << text;
  });
  const auto r = load_key_file(path);
  writer.join();
  ::unlink(path.c_str());
  EXPECT_EQ(r.format, KeyFileFormat::WiresharkUat);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.entries.size(), static_cast<std::size_t>(kLines));
  EXPECT_EQ(r.entries.back().origin, path + ":" + std::to_string(kLines + 1));
  expect_derives_vector(r.entries.back(), "C.1.1");
}

}  // namespace
}  // namespace oidu
