// Request/response matching and duplicate detection, as a CoAP endpoint does it
// (RFC 7252 4.4, 4.5, 5.3.2; RFC 7641 for notifications).
//
// Entries expire after EXCHANGE_LIFETIME (247 s) of silence, Observe registrations
// after they are cancelled or go quiet for longer, so the tables hold what is live,
// never the whole capture.
#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "analysis/duplicate_filter.hpp"
#include "capture/capture.hpp"
#include "wire/coap.hpp"

namespace oidu {

struct ContextSlot;

// What a response needs to know about its request.
struct PendingRequest {
  std::uint64_t frame = 0;
  std::int64_t time_us = 0;
  Endpoint client, server;
  Bytes token;
  std::uint16_t message_id = 0;
  CoapType type = CoapType::Con;
  bool observe = false;           // an Observe registration: notifications follow
  bool oscore = false;
  Bytes kid;                      // request_kid for the external AAD
  Bytes piv;                      // request_piv
  ContextSlot* slot = nullptr;    // the context that opened it
  bool recipient_id_offered = false;  // the request carried Recipient-ID (ID update)
  bool kudos = false;
  std::int64_t last_use_us = 0;
};

class ExchangeTable {
 public:
  // Registers a request (replacing an older one with the same token and endpoints).
  PendingRequest& add_request(PendingRequest request);
  // The request a response from `server` to `client` answers: by token, else (piggybacked
  // ACK) by Message ID, else for an empty token the outstanding request of the pair.
  PendingRequest* match_response(const Endpoint& server, const Endpoint& client,
                                 ByteView token, CoapType type, std::uint16_t message_id,
                                 std::int64_t now_us);
  // The exchange is over (its final response arrived): forget it, unless notifications
  // may follow.
  void complete(PendingRequest& request);
  void expire(std::int64_t now_us);
  std::size_t size() const { return by_token_.size(); }

 private:
  struct Key {
    Endpoint client, server;
    Bytes token;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  std::unordered_map<Key, PendingRequest, KeyHash> by_token_;
};

// XXH3 (libxxhash) over bytes, chained from `seed`: a fingerprint for table keys and for
// telling a retransmitted copy from a different message. It runs several times per
// message, so it takes words at a time where FNV-1a took bytes.
std::uint64_t fingerprint(ByteView data, std::uint64_t seed = 0);
std::uint64_t fingerprint(const Endpoint& e, std::uint64_t seed = 0);

}  // namespace oidu
