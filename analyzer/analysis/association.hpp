// The state the engine keeps per pair of peers sharing a context lineage: what each peer
// did under the current IDs, and each tracker's state of the pair (the ongoing ID update
// and KUDOS executions, the network history). Plain data; the trackers own the logic.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/context_store.hpp"
#include "analysis/network_history.hpp"
#include "analysis/records.hpp"

namespace oidu {

// One peer of an ID update procedure (draft-ietf-core-oscore-id-update section 2.1).
struct IdUpdatePeer {
  std::optional<Bytes> offered;
  unsigned acks_sent = 0;       // messages it sent with Recipient-ID-Ack
  unsigned acks_received = 0;   // verified messages it received acknowledging its offer
  std::optional<Bytes> acknowledged;  // the last Recipient-ID-Ack value it sent
  unsigned messages_sent = 0;   // since the procedure started (counter-based variant)
  std::optional<std::uint64_t> completed_at;
  bool received_offer = false;  // the other peer's offer reached it
  bool continued = false;       // sent an offer or an ack after receiving one
  bool must_abort = false;      // the offer it received is one of its own old Sender IDs
  bool reported_no_continuation = false;
  bool reported_own_sender_id = false;
  bool reported_after_reboot = false;
};

struct IdUpdateProcedure {
  std::uint32_t id = 0;
  bool integrated = false;
  // Its offers were exchanged before the capture began: they are known only from the
  // acknowledgements, and the counts of acknowledgements are lower bounds.
  bool started_before_capture = false;
  std::uint32_t kudos_id = 0;
  Role initiator = Role::Client;
  std::int64_t start_us = 0;
  std::vector<std::uint64_t> frames;
  std::array<IdUpdatePeer, 2> peers;
  ContextSlot* ctx_a = nullptr;   // the context the procedure runs on
  ContextSlot* ctx_b = nullptr;   // candidate context with the new IDs, once both offers are known
  std::array<Endpoint, 2> endpoints;
  // Both peers completed on a request: the procedure closes with that request's
  // response, as in the drafts' figures (Response #4).
  std::optional<std::uint64_t> closing_request;
};

struct KudosPeer {
  KudosState state = KudosState::Idle;
  std::optional<bool> b_bit;
  std::optional<KudosContribution> contribution;
  std::optional<std::uint64_t> completed_at;
};

struct KudosExecution {
  std::uint32_t id = 0;
  Role initiator = Role::Client;
  bool no_fs = false;
  std::optional<KudosDerivation> derivation;
  std::vector<std::uint64_t> frames;
  std::array<KudosPeer, 2> peers;
  Role first_sender = Role::Client;   // whose contribution came first (the divergent one)
  ContextSlot* ctx_old = nullptr;
  ContextSlot* ctx_temp = nullptr;
  ContextSlot* ctx_new = nullptr;
  std::array<Endpoint, 2> endpoints;
};

// Recipient-ID-Ack from one peer while no ID update is known: either a stray
// acknowledgement (ACK_MISMATCH) or a procedure whose offers came before the capture.
// The other peer's next message tells which: it acknowledges too, or it does not.
struct AckWithoutOffer {
  Role sender = Role::Client;
  Bytes value;
  std::vector<std::uint64_t> frames;
  std::int64_t first_time_us = 0;
  std::array<Endpoint, 2> endpoints;
};

// The ID update tracker's state for one association (id_update_tracker.hpp).
struct IdUpdateState {
  std::unique_ptr<IdUpdateProcedure> ongoing;
  std::uint32_t last = 0;                   // the latest one that ended
  std::optional<Bytes> last_offers[2];      // its offers, for late acks
  std::optional<AckWithoutOffer> ack_without_offer;
};

struct Association {
  std::uint32_t id = 0;
  const KeyEntry* keys = nullptr;         // the key file entry it comes from
  const std::string& name() const { return keys->name; }
  bool oriented = false;                  // the client has been seen sending a request
  std::vector<ContextSlot*> slots;        // newest last
  ContextSlot* current = nullptr;         // the context the peers use now

  // Under the current (Master Secret, Master Salt, ID Context):
  std::array<std::set<Bytes>, 2> used_recipient_ids;  // per peer
  std::array<std::set<Bytes>, 2> failed_offers;
  std::array<bool, 2> lost_state{false, false};
  std::array<bool, 2> ran_fs_kudos{false, false};

  // The trackers' own state, which only they read or write (mutable: they get the
  // association as const where they do not change what it says). Kept in the
  // association rather than in a table per tracker: the engine loads the association
  // ahead of every message, and with thousands of them a table apiece was a cache
  // miss apiece.
  mutable IdUpdateState id_update_state;
  mutable std::unique_ptr<KudosExecution> kudos_execution;  // the KUDOS tracker's, if one runs
  mutable NetworkHistory network_history;

};

}  // namespace oidu
