// CoAP over UDP between one client peer and one server peer (RFC 7252): CON requests
// with piggybacked or separate responses, NON, retransmissions after lost
// transmissions, and RTTs of a few milliseconds. Every datagram goes through the
// network's capture tap.
#pragma once
#include <optional>

#include "sim/peer.hpp"
#include "wire/coap.hpp"

namespace oidu::sim {

struct ExchangeSpec {
  AppMessage request;
  bool non = false;
  bool separate = false;            // empty ACK now, the response later as a CON
  unsigned lost_transmissions = 0;  // CON: that many transmissions of the request are lost
  bool lose_response = false;       // the response never reaches the client (or the tap)
};

struct ExchangeResult {
  std::optional<AppMessage> response;  // verified inner response
  std::uint8_t outer_code = 0;         // 0 when nothing arrived
};

class Link {
 public:
  // One-way delays are drawn from [min_us, max_us): milliseconds across the Internet by
  // default, tenths of milliseconds for the scale mode's LAN.
  Link(Network& net, Peer& client, Peer& server, Rng& rng, std::int64_t one_way_min_us = 4000,
       std::int64_t one_way_max_us = 30000)
      : net_(net), client_(client), server_(server), rng_(rng), min_us_(one_way_min_us), max_us_(one_way_max_us) {}

  // One request and its response; a 4.01 Echo challenge (RFC 8613 B.1.2) is answered
  // by repeating the request with the Echo option, as a client does.
  ExchangeResult exchange(const ExchangeSpec& spec);

  Peer& client() { return client_; }
  Peer& server() { return server_; }

 private:
  ExchangeResult once(const ExchangeSpec& spec);
  void advance_one_way();

  Network& net_;
  Peer& client_;
  Peer& server_;
  Rng& rng_;
  std::int64_t min_us_, max_us_;
};

// The CoAP datagram around a sealed message, or, without one, around a plain payload
// (an unprotected error, an empty ACK). Shared by the link and the live peers.
Bytes coap_datagram(CoapType type, std::uint8_t code, std::uint16_t mid, const Bytes& token, const Sealed* sealed,
                    const Bytes& plain_payload);
// RFC 8613 8.2: a request that does not verify gets an unprotected 4.00 "Decryption failed".
Bytes decryption_failed_datagram(CoapType type, std::uint16_t mid, const Bytes& token);
// A received request or response through the peer's OSCORE processing; nullopt when it
// carries no OSCORE option or does not verify.
std::optional<AppMessage> open_request_datagram(Peer& server, const CoapMessage& m, RequestBinding& binding);
std::optional<AppMessage> open_response_datagram(Peer& client, const RequestBinding& binding, const CoapMessage& m);

// A GET of Uri-Path "temp", the application traffic of the drafts' figures.
AppMessage get_temp();
// A POST to /.well-known/kudos without payload (draft-14 4.3.8).
AppMessage post_kudos();

}  // namespace oidu::sim
