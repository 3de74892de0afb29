// Internal: the engine behind Analyzer, the pipeline that joins the stages. A frame goes
// through intake (engine_intake.cpp: CoAP, retransmissions, the record), the context
// resolver (context_resolver.hpp), and, once opened (engine_decrypt.cpp), the trackers:
// NonceTracker, KudosTracker, IdUpdateTracker and NetworkWatch, classes that own their
// state and reach the engine only through TrackerHost. Records leave through RecordQueue.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/association.hpp"
#include "analysis/context_resolver.hpp"
#include "analysis/context_store.hpp"
#include "analysis/duplicate_filter.hpp"
#include "analysis/exchanges.hpp"
#include "analysis/id_update_tracker.hpp"
#include "analysis/kudos_tracker.hpp"
#include "analysis/network_watch.hpp"
#include "analysis/nonce_tracker.hpp"
#include "analysis/observed.hpp"
#include "analysis/record_queue.hpp"
#include "analysis/stable_store.hpp"
#include "analysis/tracker_host.hpp"
#include "wire/coap.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {

struct Engine final : TrackerHost, IdContextVariants {
  Engine(AnalyzerConfig config, SharedKeys keys, EventSink& sink);

  AnalyzerConfig config;
  SharedKeys keys;  // associations point into it
  EventSink& sink;
  Summary summary;
  ContextStore store;
  StableStore<Association> associations;  // associations never move
  ExchangeTable exchanges;
  KudosTracker kudos{*this};
  ContextResolver resolver{store, exchanges, kudos, *this};
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
  ContextRecord context_buffer;  // the context being reported
  // Contexts not yet handed to the sink, oldest first, with the frame that made each
  // known: a context from a key file is reported once the traffic has shown which peer
  // is the client (its Sender IDs may be swapped until then), and later ones wait behind
  // it so that the sink sees them in the order they became known.
  std::deque<std::pair<const ContextSlot*, std::uint64_t>> unreported_contexts;
  // Records wait here while the ID update tracker is undecided about an earlier message.
  RecordQueue records{sink};
  IdUpdateTracker id_updates{*this, network, kudos, records, config};

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
  // TrackerHost
  ContextSlot& add_context(Association& assoc, std::string name, ContextKind kind,
                           std::shared_ptr<SecurityContext> context, Bytes client_id, Bytes server_id,
                           std::uint32_t procedure, const ContextSlot& parent) override {
    return add_slot(assoc, std::move(name), kind, std::move(context), std::move(client_id),
                    std::move(server_id), procedure, &parent);
  }
  std::uint32_t new_procedure_id() override { return next_procedure++; }
  void procedure_ended(const ProcedureRecord& procedure) override;
  void kudos_succeeded(Association& assoc, ContextSlot& ctx_new) override;

  ContextSlot& add_slot(Association& assoc, std::string name, ContextKind kind,
                        std::shared_ptr<SecurityContext> context, Bytes client_id, Bytes server_id,
                        std::uint32_t procedure, const ContextSlot* parent);
  // Hands a finished record to the sink, or to the queue while the ID update tracker
  // is undecided.
  void emit_message(const MessageRecord& rec);
};


}  // namespace oidu
