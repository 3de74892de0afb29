// A live peer: one simulated peer (peer.hpp) speaking CoAP over a real UDP socket, for
// the network-namespace test (tests/net). The state machines that write the scenario
// captures make and read the datagrams; the kernel carries them instead of the
// in-memory network. Every wait has a deadline.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "sim/peer.hpp"

namespace oidu::sim {

struct LiveOptions {
  Role role = Role::Client;
  Endpoint bind;                      // port 0: one the kernel picks
  Endpoint peer;                      // client: the server to talk to
  std::string keys_file;              // its first context; the client's Sender ID comes first
  std::optional<Endpoint> migrate_to;  // client: moves there once both peers completed
  std::optional<Bytes> offer;         // Recipient ID to offer; default: a fresh random one
  unsigned exchanges = 10;            // client: requests to send; server: requests to answer
  unsigned id_update_at = 0;          // starts an ID update with its N-th message (1-based; 0: never)
  double gap_s = 0.1;                 // client: pause between exchanges
  double timeout_s = 20;              // the whole run
  std::uint64_t seed = 1;
};

struct LiveResult {
  unsigned exchanges = 0;             // verified responses (client), answered requests (server)
  std::optional<Endpoint> migrated_to;
  Bytes sender_id, recipient_id;      // at the end
};

// False with `error` set on a bad key file, a socket error, a response that does not
// verify, an ID update that did not complete, or the deadline.
bool run_live_peer(const LiveOptions& options, LiveResult& result, std::string* error);

// "192.0.2.1:5683", "[2001:db8::1]:5683"; without `:PORT` the port is `default_port`.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port);

}  // namespace oidu::sim
