// Request/response matching and duplicate detection, as a CoAP endpoint does it
// (RFC 7252 4.4, 4.5, 5.3.2; RFC 7641 for notifications).
//
// Entries expire after EXCHANGE_LIFETIME (247 s) of silence, Observe registrations
// after they are cancelled or go quiet for longer, so the tables hold what is live,
// never the whole capture.
//
// Every message looks the table up, so it does not allocate per request: token, kid
// and Partial IV sit inside the entry, entries sit in one array that reuses the slots
// of finished exchanges, and a flat index (open addressing, linear probing) maps a
// 64-bit fingerprint of (client, server, token) to them.
#pragma once
#include <cstdint>
#include <vector>

#include "analysis/duplicate_filter.hpp"
#include "capture/capture.hpp"
#include "core/small_bytes.hpp"
#include "wire/coap.hpp"

namespace oidu {

struct ContextSlot;

// RFC 7252 3: a token has at most 8 bytes. RFC 8613 6.1: a Partial IV at most 5, and
// 3.3: an ID at most the nonce length minus 6 (7 bytes for a 13-byte nonce), so 16
// bytes hold the kid of any AEAD algorithm in use.
using TokenBytes = SmallBytes<8>;
using KidBytes = SmallBytes<16>;
using PivBytes = SmallBytes<5>;

// What a response needs to know about its request. token, kid and piv convert to
// ByteView; set them with assign().
struct PendingRequest {
  std::uint64_t frame = 0;
  std::int64_t time_us = 0;
  Endpoint client, server;
  TokenBytes token;
  std::uint16_t message_id = 0;
  CoapType type = CoapType::Con;
  bool observe = false;           // an Observe registration: notifications follow
  bool oscore = false;
  KidBytes kid;                   // request_kid for the external AAD
  PivBytes piv;                   // request_piv
  ContextSlot* slot = nullptr;    // the context that opened it
  bool failed_verification = false;  // a known context matched its kid but did not open it
  bool recipient_id_offered = false;  // the request carried Recipient-ID (ID update)
  bool kudos = false;
  std::int64_t last_use_us = 0;
};

// References returned by add_request and match_response stay valid until the next
// add_request or expire call (either may move every entry), or until complete()
// removes that very request; completing another request moves nothing, and
// match_response never moves anything.
class ExchangeTable {
 public:
  // Registers a request, replacing an older one with the same token and endpoints.
  PendingRequest& add_request(PendingRequest request);
  // The request a response from `server` to `client` answers: by token (an empty token
  // is a token like any other), else for a piggybacked ACK by Message ID.
  PendingRequest* match_response(const Endpoint& server, const Endpoint& client,
                                 ByteView token, CoapType type, std::uint16_t message_id,
                                 std::int64_t now_us);
  // For a response a few frames ahead: prefetch() starts loading the index slot that
  // match_response() will probe first; once that is loaded, hint() names the request
  // to load next (a guess by fingerprint, nullptr if none: nothing is compared).
  void prefetch(const Endpoint& client, const Endpoint& server, ByteView token) const;
  const PendingRequest* hint(const Endpoint& client, const Endpoint& server, ByteView token) const;
  // The exchange is over (its final response arrived): forget it, unless notifications
  // may follow.
  void complete(PendingRequest& request);
  void expire(std::int64_t now_us);
  std::size_t size() const { return live_; }
  // Index slots; the entry array holds at most half as many. Memory follows the
  // exchanges live between two expire() calls, never the packets that went by.
  std::size_t capacity() const { return index_.size(); }

 private:
  struct Slot {
    std::uint64_t key = 0;  // fingerprint of (client, server, token); 0: free
    std::uint32_t entry = 0;
  };
  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);

  std::size_t home(std::uint64_t key) const;
  std::size_t find(std::uint64_t key, const Endpoint& client, const Endpoint& server,
                   ByteView token) const;
  PendingRequest* find_by_message_id(const Endpoint& client, const Endpoint& server,
                                     std::uint16_t message_id);
  void remove(std::size_t slot);
  void rebuild_index(std::size_t capacity);
  void compact();

  std::vector<Slot> index_;
  std::vector<PendingRequest> entries_;
  std::vector<std::uint64_t> entry_keys_;  // each entry's fingerprint; 0: the entry is free
  std::vector<std::uint32_t> free_;        // free entries, reused before the array grows
  std::size_t live_ = 0;
};

// XXH3 (libxxhash) over bytes, chained from `seed`: a fingerprint for table keys and for
// telling a retransmitted copy from a different message. It runs several times per
// message, so it takes words at a time where FNV-1a took bytes.
std::uint64_t fingerprint(ByteView data, std::uint64_t seed = 0);
// An endpoint and a few bytes after it (at most 8: a Message ID and type, say) in one
// XXH3 call, where chaining a second call would double the cost of a key.
std::uint64_t fingerprint(const Endpoint& e, ByteView tail);

}  // namespace oidu
