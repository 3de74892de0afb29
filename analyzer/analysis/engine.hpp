// Internal: the engine behind Analyzer. Its methods are split by job across
// engine_intake.cpp (frames to records), engine_decrypt.cpp (which context opens what),
// id_update_tracker.cpp and kudos_tracker.cpp; the network watch (network_watch.hpp) and
// the nonce tracker (nonce_tracker.hpp) are classes that own their state.
#pragma once
#include <array>
#include <deque>
#include <map>
#include <unordered_map>
#include <memory>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/association.hpp"
#include "analysis/context_resolver.hpp"
#include "analysis/context_store.hpp"
#include "analysis/exchanges.hpp"
#include "analysis/finding_reporter.hpp"
#include "analysis/network_watch.hpp"
#include "analysis/nonce_tracker.hpp"
#include "analysis/observed.hpp"
#include "analysis/outcome_rules.hpp"
#include "wire/coap.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {

struct Engine final : FindingReporter, IdContextVariants {
  Engine(AnalyzerConfig config, std::vector<KeyEntry> keys, EventSink& sink);

  AnalyzerConfig config;
  std::vector<KeyEntry> keys;
  EventSink& sink;
  Summary summary;
  ContextStore store;
  std::vector<std::unique_ptr<Association>> associations;
  ExchangeTable exchanges;
  ContextResolver resolver{store, exchanges, *this};
  DuplicateFilter duplicates;
  NonceTracker nonces;
  NetworkWatch network;
  std::uint32_t next_procedure = 1;
  std::int64_t last_time_us = 0;
  std::int64_t last_expiry_us = 0;
  std::uint64_t last_frame = 0;
  // Buffers reused from message to message, so the hot path does not allocate.
  MessageRecord record;        // the message being analysed
  CoapMessage coap_buffer;     // its CoAP message
  // Contexts not yet handed to the sink, oldest first, with the frame that made each
  // known: a context from a key file is reported once the traffic has shown which peer
  // is the client (its Sender IDs may be swapped until then), and later ones wait behind
  // it so that the sink sees them in the order they became known.
  std::deque<std::pair<const ContextSlot*, std::uint64_t>> unreported_contexts;
  // Message records held back while an acknowledgement without an offer is undecided
  // (AckWithoutOffer): its procedure, if it has one, becomes known only with a later
  // message. Every record after it waits too, so the sink still sees frame order; at most
  // kMaxHeldMessages, then the waiting acknowledgements count as mismatches.
  static constexpr std::size_t kMaxHeldMessages = 64;
  std::deque<MessageRecord> held_messages;
  std::vector<Association*> undecided_acks;

  // engine_intake.cpp
  void process(const Frame& frame);
  void finish();
  // engine_prefetch.cpp
  void process_batch(std::span<const Frame> frames);
  void report(FindingCode code, std::uint64_t frame, std::optional<std::uint32_t> procedure,
              std::string message) override;
  void diagnose(std::uint64_t frame, std::string message);

  // engine_decrypt.cpp
  void handle_oscore(MessageRecord& rec, const Frame& frame, const CoapMessage& coap,
                     const OscoreOption& option);
  // The first verified message of an association: which peer is the client is now
  // known (a key file's IDs are turned round if need be) and its contexts can be
  // reported. Returns the sender's role.
  Role settle_roles(ContextSlot& base, bool is_request, ByteView request_kid, Role sender);
  PendingRequest& register_request(const Frame& frame, const CoapMessage& coap, ByteView kid,
                                   ByteView piv);
  ContextSlot& id_context_variant(ContextSlot& base, const Bytes& id_context) override;
  // Hands the sink every waiting context up to the first one whose Sender IDs are not
  // settled; all of them with `all`.
  void report_settled_contexts(bool all);
  ContextSlot& add_slot(Association& assoc, std::string name, ContextKind kind,
                        std::shared_ptr<SecurityContext> context, Bytes client_id, Bytes server_id,
                        std::uint32_t procedure);

  // id_update_tracker.cpp
  // Evidence that a peer lost its state (RFC 8613 B.1.2 Echo, B.2 re-derivation), which
  // rules out a stand-alone ID update until a KUDOS or a new context completes.
  void note_loss_of_state(Observed& m);
  void track_id_update(Observed& m);
  void check_id_update_timers(Association& assoc, std::uint64_t frame, std::int64_t now_us);
  void end_id_update(Association& assoc, IdUpdateEnd end, std::uint64_t frame);
  // An acknowledgement seen while no ID update is known (AckWithoutOffer): the next
  // message decides; true when it only repeats that acknowledgement.
  bool settle_ack_without_offer(Observed& m, const CoapOption* rid, const CoapOption* ack);
  void report_acks_without_offer(Association& assoc);
  // Hands a finished record to the sink, or holds it (held_messages).
  void emit_message(const MessageRecord& rec);
  void release_held_messages();
  ContextSlot& install_new_ids(Association& assoc, IdUpdateProcedure& p, ContextSlot& base);

  // kudos_tracker.cpp
  ContextSlot& kudos_slot(Association& assoc, ContextSlot& base, Role sender, bool is_new,
                         std::shared_ptr<SecurityContext> context, KudosDerivation derivation,
                         const OscoreOption& option, const Frame& frame);
  void track_kudos(Observed& m, bool opened_with_temp, bool opened_with_new);
  void end_kudos(Association& assoc, KudosEnd end);
};


// The parts of a ProcedureRecord that ID update and KUDOS share.
ProcedureRecord procedure_record(std::uint32_t id, ProcedureType type, Role initiator,
                                 Outcome outcome, ProcedureMode mode, const ContextSlot* ctx_old,
                                 const std::vector<std::uint64_t>& frames,
                                 const std::array<Endpoint, 2>& endpoints);

}  // namespace oidu
