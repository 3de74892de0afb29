// Live peers over loopback UDP: a client and a server in two threads run the ID update
// and the client moves to a second loopback address; both end with the IDs the offers
// imply. Endpoint parsing is checked against inet_pton/inet_ntop.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "sim/live.hpp"

namespace oidu::sim {
namespace {

TEST(SimLive, ParsesEndpoints) {
  const auto v4 = parse_endpoint("10.199.0.1:5683", 0);
  ASSERT_TRUE(v4);
  char text[INET6_ADDRSTRLEN];
  EXPECT_STREQ(inet_ntop(AF_INET, v4->ip.bytes.data(), text, sizeof text), "10.199.0.1");
  EXPECT_EQ(v4->port, 5683);
  const auto v6 = parse_endpoint("[2001:db8::1]:61616", 0);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->ip.version, 6);
  EXPECT_STREQ(inet_ntop(AF_INET6, v6->ip.bytes.data(), text, sizeof text), "2001:db8::1");
  EXPECT_EQ(v6->port, 61616);
  const auto bare = parse_endpoint("2001:db8::2", 5683);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, 5683);
  EXPECT_EQ(parse_endpoint("10.199.0.1", 7)->port, 7);
  for (const char* bad : {"", "10.199.0.1:", "[::1]:", "10.199.0.1:65536", "10.199.0.1:x", "host:5683", "[::1", "[::1]5683"})
    EXPECT_FALSE(parse_endpoint(bad, 0)) << bad;
}

TEST(SimLive, IdUpdateAndMoveOverLoopback) {
  const auto keys = std::filesystem::temp_directory_path() / ("test_sim_live_" + std::to_string(::getpid()));
  std::ofstream(keys) << "\"01\",\"00\",\"0102030405060708090a0b0c0d0e0f10\",\"9e7ca92223786340\",\"\","
                         "\"AES-CCM-16-64-128 (CCM*)\"\n";
  const auto port = static_cast<std::uint16_t>(20000 + ::getpid() % 20000);
  LiveOptions server;
  server.role = Role::Server;
  server.bind = *parse_endpoint("127.0.0.1", port);
  server.keys_file = keys.string();
  server.offer = Bytes{0x78};
  server.exchanges = 7;
  server.timeout_s = 10;
  server.seed = 2;
  LiveOptions client = server;
  client.role = Role::Client;
  client.bind = *parse_endpoint("127.0.0.1:0", 0);
  client.peer = server.bind;
  client.migrate_to = *parse_endpoint("127.0.0.2:0", 0);
  client.offer = Bytes{0x42};
  client.id_update_at = 2;
  client.gap_s = 0.01;
  client.seed = 1;

  LiveResult sr, cr;
  std::string serror, cerror;
  bool sok = false;
  std::thread t([&] { sok = run_live_peer(server, sr, &serror); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const bool cok = run_live_peer(client, cr, &cerror);
  t.join();
  std::filesystem::remove(keys);

  ASSERT_TRUE(cok) << cerror;
  ASSERT_TRUE(sok) << serror;
  EXPECT_EQ(cr.exchanges, 7u);
  EXPECT_EQ(sr.exchanges, 7u);
  // Each peer's new Sender ID is the other's offer (the ID update draft, section 2).
  EXPECT_EQ(cr.sender_id, Bytes{0x78});
  EXPECT_EQ(cr.recipient_id, Bytes{0x42});
  EXPECT_EQ(sr.sender_id, Bytes{0x42});
  EXPECT_EQ(sr.recipient_id, Bytes{0x78});
  ASSERT_TRUE(cr.migrated_to);
  EXPECT_EQ(cr.migrated_to->ip.to_string(), "127.0.0.2");
}

TEST(SimLive, ClientGivesUpAtItsDeadline) {
  const auto keys = std::filesystem::temp_directory_path() / ("test_sim_live_dl_" + std::to_string(::getpid()));
  std::ofstream(keys) << "\"01\",\"00\",\"0102030405060708090a0b0c0d0e0f10\",\"9e7ca92223786340\",\"\","
                         "\"AES-CCM-16-64-128 (CCM*)\"\n";
  LiveOptions o;
  o.bind = *parse_endpoint("127.0.0.1:0", 0);
  o.peer = *parse_endpoint("127.0.0.1:9", 0);  // discard: nobody answers
  o.keys_file = keys.string();
  o.timeout_s = 0.5;
  LiveResult r;
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(run_live_peer(o, r, &error));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_NE(error.find("no response"), std::string::npos) << error;
  std::filesystem::remove(keys);
}

}  // namespace
}  // namespace oidu::sim
