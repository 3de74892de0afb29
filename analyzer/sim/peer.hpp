// One simulated OSCORE endpoint: its Security Contexts, the sending side of the ID update
// state machine (draft-ietf-core-oscore-id-update-06 section 2) and of KUDOS
// (draft-ietf-core-oscore-key-update-14 section 4.3), its CoAP Message IDs and tokens,
// and the deliberate faults that make it break one rule of the drafts.
//
// The peer decides which options, which context and which KUDOS fields each outgoing
// message carries from its own state; scenarios only say when the application talks and
// what the peer's policy is.
#pragma once
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "core/kudos_derive.hpp"
#include "sim/network.hpp"
#include "wire/oscore_option.hpp"

namespace oidu::sim {

enum class Role { Client, Server };

struct Opt {
  std::uint16_t number = 0;
  Bytes value;
};

// A CoAP message before OSCORE protection (or after verification).
struct AppMessage {
  std::uint8_t code = 0;
  std::vector<Opt> options;
  Bytes payload;

  const Opt* find(std::uint16_t number) const;
};

// One Security Context as one peer holds it (RFC 8613 3.1): the shared part plus this
// peer's IDs and Sender Sequence Number.
struct PeerContext {
  std::shared_ptr<SecurityContext> sc;
  Bytes sender_id, recipient_id;
  std::uint64_t ssn = 0;
};

// What a response is bound to (RFC 8613 5.4): the request's kid and Partial IV, and the
// context that protected or verified the request.
struct RequestBinding {
  Bytes kid, piv;
  PeerContext ctx;   // a copy: the IDs and the shared key cache
  bool refused_kudos = false;  // a divergent request this peer did not take part in
};

// An OSCORE-protected message ready for the CoAP header.
struct Sealed {
  std::uint8_t outer_code = 0;
  Bytes oscore_option;
  std::vector<Opt> outer_options;  // besides OSCORE
  Bytes ciphertext;
};

struct IdUpdatePolicy {
  bool supported = true;             // false: ignores Recipient-ID (NO_CONTINUATION)
  std::optional<Bytes> offer;        // the Recipient ID to offer; nullopt = pick a fresh one
  bool no_eligible_id = false;       // has no Recipient ID to offer: aborts stand-alone runs
  double repeat_timer_s = 93.0;      // MAX_TRANSMIT_WAIT (RFC 7252 4.8.2)
  double ending_timer_s = 279.0;     // 3 x REPEAT_TIMER
  unsigned repeat_counter = 0;       // counter-based variant when non-zero
  unsigned ending_counter = 0;
  unsigned acks_to_send = 3;         // as in the draft's figures
};

struct KudosPolicy {
  bool capable = true;               // can write non-volatile memory: FS mode
  bool preserve_observations = false;  // the 'b' bit
  std::size_t nonce_length = 8;      // RECOMMENDED by draft-14 4.3.1
};

// Deliberate departures from the drafts, one per finding of the catalogue that a peer
// (rather than the scenario's choice of addresses) causes.
struct Faults {
  bool continue_on_own_sender_id = false;  // RID_IS_OWN_SENDER_ID
  bool options_as_outer = false;           // OPTION_IN_CLEAR
  std::optional<Bytes> wrong_ack;          // ACK_MISMATCH
  std::optional<Bytes> second_offer;       // CONCURRENT_PROCEDURE: offered on its 2nd message
  bool rid_in_abort = false;               // ERROR_RESPONSE_WITH_RID
  bool participate_after_reboot = false;   // STANDALONE_AFTER_REBOOT
  bool use_before_confirmed = false;       // USED_BEFORE_CONFIRMED
  bool repeat_piv_once = false;            // NONCE_REUSE: the next request reuses the last PIV
  bool non_kudos_while_busy = false;       // NON_KUDOS_WHILE_BUSY
  bool flip_b_bit = false;                 // KUDOS_B_BIT_CHANGED: on its 2nd KUDOS message
  bool switch_without_migration = false;   // NEW_ID_ON_OLD_NETWORK
  bool old_ids_once_after_switch = false;  // OLD_ID_ON_NEW_NETWORK
  bool keep_piv = false;                   // PIV_NOT_RESET
  bool corrupt_next = false;               // DECRYPT_FAILED: flips a ciphertext bit once
  bool reuse_token_after_migration = false;  // TOKEN_REUSED
  bool keep_mid = false;                   // MID_CONTINUES (set by migrate)
};

struct PeerConfig {
  Role role = Role::Client;
  Host host;
  ContextMaterial material;
  Bytes sender_id, recipient_id;
  std::uint64_t initial_ssn = 0;
  bool send_kid_context = false;     // kid context in every request (ID Context in clear)
  std::optional<ContextMaterial> bootstrap;  // CTX_BOOTSTRAP for KUDOS no-FS mode
  IdUpdatePolicy id_update;
  KudosPolicy kudos;
  Faults faults;
};

class Peer {
 public:
  Peer(PeerConfig config, Rng& rng, const Network& clock);

  Role role() const { return cfg_.role; }
  const Host& host() const { return cfg_.host; }

  // --- triggers from the scenario
  void start_id_update();                  // the next message offers a Recipient ID
  // The Recipient ID to offer in the next ID update, as initiator or responder; nullopt:
  // a fresh one (for IDs rotated several times on one context).
  void set_offer(std::optional<Bytes> id) { cfg_.id_update.offer = std::move(id); }
  void start_kudos(bool no_fs);            // the next message is a divergent KUDOS message
  // New address (and MAC unless `keep_mac`); a new Message ID sequence unless `keep_mid`.
  void migrate(const Host& to, bool keep_mac, bool keep_mid);
  // Loss of state (RFC 8613 B.1.2): the replay window is gone, the next request is
  // challenged with Echo; stand-alone ID updates are refused until a KUDOS completes.
  void reboot();
  void set_faults(const Faults& f) { cfg_.faults = f; }
  Faults& faults() { return cfg_.faults; }

  // --- CoAP layer
  std::uint16_t next_mid() {
    last_mid_ = next_mid_;
    return next_mid_++;
  }
  Bytes new_token();

  // --- OSCORE
  Sealed seal_request(AppMessage msg, RequestBinding& binding);
  // nullopt when no context verifies it; `binding` is then unusable.
  std::optional<AppMessage> open_request(const OscoreOption& opt, ByteView ciphertext,
                                         RequestBinding& binding);
  // The server application's answer, after the ID update and Echo rules (5.03, 4.01).
  AppMessage answer(const AppMessage& request);
  Sealed seal_response(const RequestBinding& binding, AppMessage msg);
  std::optional<AppMessage> open_response(const RequestBinding& binding, const OscoreOption& opt,
                                          ByteView ciphertext);

  // --- state, for scenarios and tests
  enum class IdPhase { Idle, Running, Completed, Failed, Aborted };
  enum class KudosState { Idle, Busy, Pending };
  IdPhase id_phase() const { return idu_.phase; }
  KudosState kudos_state() const { return kudos_.state; }
  const Bytes& sender_id() const { return ctx_.sender_id; }
  const Bytes& recipient_id() const { return ctx_.recipient_id; }
  bool using_new_ids() const { return switched_; }
  // The ID update completed and this peer's acknowledgements are out: time to move.
  bool ready_to_migrate() const {
    return idu_.phase == IdPhase::Completed && idu_.acks_sent >= cfg_.id_update.acks_to_send;
  }
  const ContextMaterial& material() const { return ctx_.sc->material(); }
  bool has_echo() const { return echo_.has_value(); }

 private:
  struct IdUpdate {
    IdPhase phase = IdPhase::Idle;
    bool start_requested = false;
    bool integrated = false;
    std::optional<Bytes> my_offer, peer_offer;
    bool offered = false;
    double started_s = 0, last_offer_s = 0;
    unsigned sent = 0, since_offer = 0;
    unsigned acks_received = 0, acks_sent = 0;
    bool switched = false;  // its new IDs are in use (before completion, if prematurely)
  };
  struct Kudos {
    KudosState state = KudosState::Idle;
    bool start_requested = false;
    bool no_fs = false;
    unsigned sent = 0;
    std::optional<KudosContribution> mine, theirs;
    bool mine_first = false;              // this peer sent the divergent message
    std::optional<PeerContext> temp, next;  // CTX_TEMP (own divergent), CTX_NEW
  };
  struct Outgoing {
    PeerContext* ctx = nullptr;
    bool kudos = false;
    std::uint8_t x = 0;
    Bytes nonce;
    bool own_piv = false;                 // responses: include a Partial IV
  };

  PeerContext make_context(const ContextMaterial& m, const Bytes& sid, const Bytes& rid) const;
  ContextMaterial kudos_input() const;
  Outgoing prepare(AppMessage& msg, bool request, const RequestBinding* req);
  void decorate_id_update(AppMessage& msg);
  void id_update_received(const AppMessage& msg, bool kudos_message, bool was_request);
  void check_completion();
  void switch_to_new_ids(bool procedure_done);
  void kudos_confirmed();
  std::uint8_t kudos_x(bool convergent);
  std::optional<AppMessage> finish_open(ByteView plaintext);
  bool open_with(PeerContext& c, const AeadInputs& in, ByteView ct, Bytes& plain);
  Bytes fresh_offer();
  void restart_mids();

  PeerConfig cfg_;
  Rng& rng_;
  const Network& clock_;
  PeerContext ctx_;                       // CTX_A / CTX_OLD: the context in use
  std::optional<PeerContext> ctx_b_;      // CTX_B once the ID update completed
  std::optional<PeerContext> old_ctx_;    // CTX_A after the switch (late messages)
  bool switched_ = false, migrated_ = false, old_used_after_switch_ = false;
  IdUpdate idu_;
  Kudos kudos_;
  bool peer_known_capable_ = false;       // learned from a completed FS run
  bool rebooted_ = false;
  bool challenge_next_ = false;
  std::optional<Bytes> echo_;             // client: Echo value to return; server: value sent
  bool abort_next_response_ = false;
  std::set<Bytes> used_recipient_ids_, used_sender_ids_;
  std::uint16_t next_mid_;
  std::optional<std::uint16_t> last_mid_;  // the last Message ID sent
  std::vector<Bytes> tokens_before_migration_;
  std::optional<std::uint64_t> last_piv_;
};

Bytes encode_piv(std::uint64_t ssn);

}  // namespace oidu::sim
