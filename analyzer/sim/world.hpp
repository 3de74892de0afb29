// What a scenario script works with: the seeded random source, the network, client/server
// pairs and the keys to write. Scripts only say when the application talks, where hosts
// move and what each peer's policy is; the peers decide the protocol content.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/keys_out.hpp"
#include "sim/link.hpp"

namespace oidu::sim {

struct PairSetup {
  std::string name;
  Bytes client_id{0x01}, server_id{0x00};  // as in the ID update draft's figures
  bool rfc8613_material = false;           // RFC 8613 C.1 secret and salt, else random ones
  std::optional<Bytes> id_context;
  bool send_kid_context = false;
  bool bootstrap = false;                  // give both peers CTX_BOOTSTRAP (KUDOS no-FS)
  std::uint8_t server_subnet = 2, client_subnet = 0;
  std::optional<Host> server_host;         // share a server host between pairs
  std::function<void(PeerConfig&)> client_policy, server_policy;
};

struct Pair {
  std::unique_ptr<Peer> client, server;
  std::unique_ptr<Link> link;
};

class World {
 public:
  World(std::uint64_t seed, bool use_ipv6, Network& network) : rng(seed), net(network), ipv6(use_ipv6) {}

  Pair& add_pair(const PairSetup& setup);
  // Seconds of silence, with +-10 % jitter so that captures do not look machine-made.
  void idle(double seconds);
  ExchangeResult get(Pair& p, ExchangeSpec spec = {});
  // Moves the client to a new network: new IP address, port and (unless keep_mac) MAC.
  void migrate_client(Pair& p, bool keep_mac = false, bool keep_mid = false);

  Rng rng;
  Network& net;
  bool ipv6;
  std::vector<std::unique_ptr<Pair>> pairs;
  std::vector<KeyRecord> keys;
};

}  // namespace oidu::sim
