// The passive observer: what an eavesdropper without keys can tie together. It reads only
// what travels in clear (kid, kid context, Partial IV, Message ID, token, addresses, ports,
// MACs, timing, the KUDOS fields of the OSCORE option) and never a decrypted field.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "analysis/records.hpp"
#include "exposure/evidence.hpp"

namespace oidu::exposure {

// One OSCORE identity as an observer sees it: a kid (the client's Sender ID, the only one
// requests carry in clear) with its kid context, towards one server endpoint.
struct Identity {
  std::uint32_t id = 0;                    // 1-based, in order of first appearance
  Bytes kid;
  std::optional<Bytes> kid_context;
  Endpoint server;
  std::vector<Endpoint> clients;           // at most kMaxRemembered
  std::vector<MacAddress> macs;            // the clients' MACs, at most kMaxRemembered
  std::uint64_t first_frame = 0, last_frame = 0;
  std::int64_t first_time_us = 0, last_time_us = 0;
  std::uint64_t messages = 0;              // requests and the responses matched to them
  std::optional<std::uint64_t> piv_min, piv_max;  // the clients' Partial IVs
};

// Two identities an observer can tie together: `from` appeared first, `to` later.
struct Link {
  std::uint32_t from = 0, to = 0;
  EvidenceSet evidence;
  std::uint64_t frame = 0;                 // first frame that shows any of the evidence
  // Timing: how many identities started towards the same server within the window after
  // `from` went quiet (`to` included); 1 means timing alone singles `to` out.
  std::uint32_t anonymity_set = 0;
};

struct ObserverConfig {
  double timing_window_s = 30.0;           // quiet-to-start gap that counts as timing evidence
};

class Observer {
 public:
  static constexpr std::size_t kMaxRemembered = 16;

  explicit Observer(ObserverConfig config = {}) : config_(config) {}

  // Every CoAP message in frame order; returns the identity it belongs to (0: none, e.g.
  // plain CoAP or a response whose request was not seen).
  std::uint32_t observe(const MessageRecord& m);
  // End of the capture: settles timing evidence (an identity that spoke again after its
  // successor appeared was not quiet) and the anonymity sets. Idempotent.
  void finish();

  const std::vector<Identity>& identities() const { return identities_; }
  // After finish(): every link, ordered by (to, from).
  const std::vector<Link>& links() const { return links_; }
  const Link* link(std::uint32_t from, std::uint32_t to) const;

 private:
  // Per server endpoint: the identities towards it, ordered by what their successors are
  // compared with, so that a new identity finds its candidates without a scan of all.
  struct ServerIndex {
    std::vector<std::uint32_t> ids;                          // in order of appearance
    std::set<std::pair<std::int64_t, std::uint32_t>> by_last_time;
    std::set<std::pair<std::uint64_t, std::uint32_t>> by_client_piv, by_server_piv;
    std::set<std::pair<std::uint16_t, std::uint32_t>> by_client_mid, by_server_mid;
  };
  // What the observer remembers of an identity's traffic to compare its successors with.
  struct History {
    ServerIndex* server = nullptr;                           // its server's index (map nodes stay put)
    std::vector<std::pair<IpAddress, IpAddress>> ip_pairs;   // unordered pairs, bounded
    std::deque<Bytes> tokens;                                 // the latest request tokens
    std::optional<std::uint64_t> last_client_piv, last_server_piv;
    std::optional<std::uint16_t> last_client_mid, last_server_mid;
    bool last_was_kudos = false;
    bool seen_response = false;
    std::uint64_t requests = 0;
  };
  struct IdentityKey {
    Bytes kid;
    std::optional<Bytes> kid_context;
    Endpoint server;
    bool operator==(const IdentityKey&) const = default;
  };
  struct BytesHash {
    std::size_t operator()(const Bytes& b) const;
  };
  struct IdentityKeyHash {
    std::size_t operator()(const IdentityKey& k) const;
  };

  template <class Key>
  using IdsBy = std::map<Key, std::vector<std::uint32_t>>;

  std::uint32_t identity_of_request(const MessageRecord& m);
  void on_new_identity(std::uint32_t id, const MessageRecord& m);
  void compare_request(std::uint32_t id, const MessageRecord& m, bool first_request);
  void compare_new_pair(std::uint32_t id, const std::pair<IpAddress, IpAddress>& pair, std::uint64_t frame);
  void compare_new_mac(std::uint32_t id, const MessageRecord& m);
  void compare_first_response(std::uint32_t id, const MessageRecord& m);
  void compare_counters(std::uint32_t id, const MessageRecord& m, bool client_side);
  void add_evidence(std::uint32_t from, std::uint32_t to, Evidence e, std::uint64_t frame);
  void remember(std::uint32_t id, const MessageRecord& m, bool request);

  ObserverConfig config_;
  std::vector<Identity> identities_;
  std::vector<History> history_;
  std::unordered_map<IdentityKey, std::uint32_t, IdentityKeyHash> by_key_;
  std::map<Endpoint, ServerIndex> servers_;
  IdsBy<std::pair<IpAddress, IpAddress>> by_pair_;
  IdsBy<MacAddress> by_mac_;
  IdsBy<Bytes> by_kid_context_;
  std::unordered_map<Bytes, std::vector<std::uint32_t>, BytesHash> by_token_;  // tokens still in a ring
  // Requests by frame, to attribute responses (bounded: oldest dropped first).
  std::unordered_map<std::uint64_t, std::uint32_t> request_identity_;
  std::deque<std::uint64_t> request_order_;
  std::unordered_map<std::uint64_t, Link> pending_;          // by from << 32 | to
  std::vector<Link> links_;
  bool finished_ = false;
};

}  // namespace oidu::exposure
