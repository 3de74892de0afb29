// Frames in, records out: recognizes CoAP, drops retransmissions, builds the
// MessageRecord, hands OSCORE messages to the decryption step and emits the result.
#include <algorithm>

#include "analysis/engine.hpp"
#include "analysis/finding_catalogue.hpp"
#include "wire/option_registry.hpp"

namespace oidu {

ProcedureRecord procedure_record(std::uint32_t id, ProcedureType type, Role initiator,
                                 Outcome outcome, ProcedureMode mode, const ContextSlot* ctx_old,
                                 const std::vector<std::uint64_t>& frames,
                                 const std::array<Endpoint, 2>& endpoints) {
  ProcedureRecord rec;
  rec.id = id;
  rec.type = type;
  rec.initiator = initiator;
  rec.outcome = outcome;
  rec.mode = mode;
  rec.context = ctx_old ? ctx_old->name : "";
  rec.frames = frames;
  if (!frames.empty()) {
    rec.first_frame = frames.front();
    rec.last_frame = frames.back();
  }
  rec.client = endpoints[idx(Role::Client)];
  rec.server = endpoints[idx(Role::Server)];
  if (ctx_old) {
    rec.old_client_id = ctx_old->client_id;
    rec.old_server_id = ctx_old->server_id;
  }
  rec.client_peer.role = Role::Client;
  rec.server_peer.role = Role::Server;
  return rec;
}

Engine::Engine(AnalyzerConfig cfg, SharedKeys k, EventSink& s)
    : config(std::move(cfg)), keys(std::move(k)), sink(s) {
  for (const auto& entry : *keys) {
    Association& assoc = associations.emplace_back();
    assoc.id = static_cast<std::uint32_t>(associations.size());
    assoc.keys = &entry;
    auto context = std::make_shared<SecurityContext>(entry.material);
    ContextSlot& slot = add_slot(assoc, entry.name, ContextKind::Keys, std::move(context),
                                 entry.client_id, entry.server_id, 0, nullptr);
    assoc.current = &slot;
    // Its used Recipient IDs are filled in when the roles are settled (settle_roles).
  }
}

void Engine::report(FindingCode code, std::uint64_t frame,
                    std::optional<std::uint32_t> procedure, std::string message) {
  Finding f;
  f.code = code;
  f.severity = finding_spec(code).severity;
  f.frame = frame;
  f.procedure = procedure;
  f.message = std::move(message);
  ++summary.findings;
  sink.on_finding(f);
}

void Engine::procedure_ended(const ProcedureRecord& procedure) {
  ++summary.procedures;
  sink.on_procedure(procedure);
}

void Engine::kudos_succeeded(Association& assoc, ContextSlot& ctx_new) {
  id_updates.kudos_succeeded(assoc, ctx_new);
}

void Engine::emit_message(const MessageRecord& rec) {
  if (!id_updates.undecided()) {
    records.pass(rec);
    return;
  }
  records.hold(rec);
  // Decided as mismatches: the queue releases what it held.
  if (records.full()) id_updates.decide_all();
}

void Engine::diagnose(std::uint64_t frame, std::string message) {
  sink.on_diagnostic(Diagnostic{config.file, frame, std::move(message)});
}

namespace {


void copy_options(const CoapBody& body, std::vector<OptionRecord>& out) {
  out.clear();
  for (const auto& o : body.options) out.push_back({o.number, Bytes(o.value.begin(), o.value.end())});
}

bool on_coap_port(const AnalyzerConfig& config, const Frame& frame) {
  return std::any_of(config.coap_ports.begin(), config.coap_ports.end(), [&](std::uint16_t p) {
    return frame.src.port == p || frame.dst.port == p;
  });
}

}  // namespace

void Engine::process(const Frame& frame) {
  ++summary.frames;
  last_frame = frame.number;
  last_time_us = std::max(last_time_us, frame.time_us);
  if (!frame.is_udp) {
    if (!frame.problem.empty()) {
      ++summary.bad_frames;
      diagnose(frame.number, frame.problem);
    }
    return;
  }
  ++summary.udp_datagrams;
  const bool configured = on_coap_port(config, frame);
  if (!configured && !(config.detect_by_content && looks_like_oscore_coap(frame.udp_payload))) return;

  std::string error;
  CoapMessage* coap = parse_coap(frame.udp_payload, coap_buffer, &error) ? &coap_buffer : nullptr;
  if (!coap) {
    ++summary.malformed;
    diagnose(frame.number, "malformed CoAP: " + error);
    return;
  }
  ++summary.coap_messages;

  if (frame.time_us - last_expiry_us > kExchangeLifetimeUs / 4) {
    exchanges.expire(frame.time_us);
    last_expiry_us = frame.time_us;
  }

  MessageRecord& rec = record;
  reset_keeping_capacity(rec);
  rec.frame = frame.number;
  rec.time_us = frame.time_us;
  rec.src = frame.src;
  rec.dst = frame.dst;
  rec.src_mac = frame.src_mac;
  rec.dst_mac = frame.dst_mac;
  rec.type = coap->type;
  rec.code = coap->code;
  rec.message_id = coap->message_id;
  rec.token.assign(coap->token.begin(), coap->token.end());
  rec.kind = coap->is_request() ? MessageKind::Request
             : coap->is_response() ? MessageKind::Response : MessageKind::Empty;
  copy_options(coap->body, rec.outer_options);
  rec.payload.assign(coap->body.payload.begin(), coap->body.payload.end());

  std::uint64_t original = 0;
  if (!coap->is_empty() &&
      duplicates.seen(frame.src, coap->type, coap->message_id, frame.udp_payload, frame.number,
                      frame.time_us, &original)) {
    ++summary.duplicates;
    rec.status = DecryptStatus::Duplicate;
    rec.problem = "retransmission of frame " + std::to_string(original);
    emit_message(rec);
    return;
  }

  for (std::uint16_t number : {kOptRecipientId, kOptRecipientIdAck}) {
    if (coap->body.has(number)) {
      report(FindingCode::OptionInClear, frame.number, std::nullopt,
             option_name(number) + " sent outside the OSCORE ciphertext" +
                 (coap->body.has(kOptOscore) ? " (outer option of a protected message)"
                                             : " (unprotected message)"));
    }
  }

  const CoapOption* oscore_opt = coap->body.find(kOptOscore);
  if (!oscore_opt) {
    if (coap->is_request()) {
      register_request(frame, *coap, {}, {});
    } else if (coap->is_response()) {
      if (auto* req = exchanges.match_response(frame.src, frame.dst, coap->token, coap->type,
                                               coap->message_id, frame.time_us)) {
        rec.request_frame = req->frame;
        exchanges.complete(*req);
      }
    }
    emit_message(rec);
    return;
  }

  ++summary.oscore_messages;
  rec.oscore = true;
  auto option = parse_oscore_option(oscore_opt->value, &error);
  if (!option) {
    ++summary.malformed;
    ++summary.undecryptable;
    rec.status = DecryptStatus::Malformed;
    rec.problem = "malformed OSCORE option: " + error;
    diagnose(frame.number, rec.problem);
    emit_message(rec);
    return;
  }
  if (option->kid) rec.kid.emplace(option->kid->begin(), option->kid->end());
  if (option->kid_context) rec.kid_context = Bytes(option->kid_context->begin(), option->kid_context->end());
  rec.partial_iv.assign(option->partial_iv.begin(), option->partial_iv.end());
  if (option->kudos) {
    KudosRecord k;
    k.x = option->x;
    k.nonce.assign(option->nonce.begin(), option->nonce.end());
    rec.kudos = std::move(k);
  }
  handle_oscore(rec, frame, *coap, *option);
  if (rec.status == DecryptStatus::Decrypted) {
    ++summary.decrypted;
  } else {
    ++summary.undecryptable;
  }
  emit_message(rec);
}

void Engine::finish() {
  id_updates.decide_all();
  for (std::size_t i = 0; i < associations.size(); ++i) {
    Association& assoc = associations[i];
    id_updates.finish(assoc, last_frame, last_time_us);
    kudos.finish(assoc);
  }
  report_settled_contexts(true);
}

Analyzer::Analyzer(AnalyzerConfig config, SharedKeys keys, EventSink& sink)
    : impl_(std::make_unique<Engine>(std::move(config), std::move(keys), sink)) {}
Analyzer::Analyzer(AnalyzerConfig config, std::vector<KeyEntry> keys, EventSink& sink)
    : Analyzer(std::move(config), std::make_shared<const std::vector<KeyEntry>>(std::move(keys)), sink) {}
Analyzer::~Analyzer() = default;
void Analyzer::process(const Frame& frame) { impl_->process(frame); }
void Analyzer::process_batch(std::span<const Frame> frames) { impl_->process_batch(frames); }
void Analyzer::finish() { impl_->finish(); }
const Summary& Analyzer::summary() const { return impl_->summary; }

}  // namespace oidu
