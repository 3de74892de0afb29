// What the engine does with the context resolver's answer (context_resolver.hpp): a
// message it opened goes to the trackers, one it did not gets its status and problem.
#include <algorithm>

#include "core/cbor.hpp"

#include "analysis/engine.hpp"
#include "wire/option_registry.hpp"

namespace oidu {

ContextSlot& Engine::add_slot(Association& assoc, std::string name, ContextKind kind, std::shared_ptr<SecurityContext> context,
                              Bytes client_id, Bytes server_id, std::uint32_t procedure,
                              const ContextSlot* parent) {
  ContextSlot slot;
  slot.name = std::move(name);
  slot.parent = parent;
  slot.kind = kind;
  slot.context = std::move(context);
  slot.client_id = std::move(client_id);
  slot.server_id = std::move(server_id);
  slot.association = &assoc;
  slot.procedure = procedure;
  ContextSlot& added = store.add(std::move(slot));
  assoc.slots.push_back(&added);
  unreported_contexts.emplace_back(&added, last_frame);
  report_settled_contexts(false);
  return added;
}

void Engine::report_settled_contexts(bool all) {
  while (!unreported_contexts.empty()) {
    const auto [slot, frame] = unreported_contexts.front();
    if (!all && !slot->association->oriented) return;
    const ContextMaterial& m = slot->context->material();
    // Filled in place: the strings and byte vectors keep their capacity from one
    // context to the next (a key file of 100,000 contexts reports them all).
    ContextRecord& c = context_buffer;
    c.name = slot->name;
    c.origin = slot->origin();
    if (slot->parent) {
      c.parent = slot->parent->name;
    } else {
      c.parent.clear();
    }
    c.client_id = slot->client_id;
    c.server_id = slot->server_id;
    c.aead = m.aead;
    c.hkdf = hkdf_name(m.hkdf);
    c.id_context = m.id_context;
    c.master_secret = m.master_secret;
    c.master_salt = m.master_salt;
    c.frame = frame;
    sink.on_context(c);
    unreported_contexts.pop_front();
  }
}

ContextSlot& Engine::id_context_variant(ContextSlot& base, const Bytes& id_context) {
  const auto& m = base.context->material();
  if (m.id_context == id_context) return base;
  for (ContextSlot* s : base.association->slots) {
    if (s->kind == ContextKind::IdContext && s->context->material().id_context == id_context &&
        s->client_id == base.client_id && s->server_id == base.server_id &&
        s->context->material().master_secret == m.master_secret) {
      return *s;
    }
  }
  ContextMaterial mat = m;
  mat.id_context = id_context;
  return add_slot(*base.association, base.association->name() + "/idctx:" + to_hex(id_context),
                  ContextKind::IdContext,
                  std::make_shared<SecurityContext>(mat), base.client_id, base.server_id, 0, &base);
}

void Engine::handle_oscore(MessageRecord& rec, const Frame& frame, const CoapMessage& coap,
                           const OscoreOption& option) {
  const bool is_request = coap.is_request();
  Resolution r = resolver.resolve(frame, coap, option);
  PendingRequest* request = r.request;
  if (request) rec.request_frame = request->frame;

  if (auto* opened = std::get_if<Opened>(&r.result)) {
    Opened& c = *opened;
    ContextSlot& base = *c.base;
    const InnerMessage* inner = c.inner;
    Role sender = c.sender;
    Association& assoc = *base.association;
    if (!assoc.oriented) sender = settle_roles(base, is_request, r.request_kid, sender);

    ContextSlot* slot = &base;
    if (c.kudos_temp || c.kudos_new) {
      slot = &kudos.context_for(assoc, base, sender, c.kudos_new, c.derived, c.derivation, option, frame);
    }
    rec.status = DecryptStatus::Decrypted;
    rec.problem.clear();
    rec.context = slot->name;
    rec.context_id = slot->id;
    rec.context_origin = slot->origin();
    rec.inner_code = inner->code;
    rec.inner_options.clear();
    for (const auto& o : inner->body.options) {
      rec.inner_options.push_back({o.number, Bytes(o.value.begin(), o.value.end())});
    }
    rec.payload.assign(inner->body.payload.begin(), inner->body.payload.end());
    if (rec.kudos) {
      rec.kudos->derivation = c.derivation;
      rec.kudos->convergent = c.kudos_new;
    }

    PendingRequest* pending = request;
    if (is_request) {
      PendingRequest& req = register_request(frame, coap, r.request_kid, r.request_piv);
      req.observe = inner->body.has(kOptObserve) || coap.body.has(kOptObserve);
      req.slot = slot;
      req.recipient_id_offered = inner->body.has(kOptRecipientId);
      req.kudos = option.kudos;
      pending = &req;
    }

    Observed m{rec, frame, coap, option, *inner, assoc, *slot, sender, pending};
    id_updates.note_loss_of_state(m);
    nonces.observe(NonceUse{frame.number, rec.procedure, &slot->recent_nonces, &slot->name, c.key_digest, c.nonce_id,
                            c.nonce_piv, coap.body.payload},
                   *this);
    kudos.observe(m, c.kudos_temp, c.kudos_new);
    id_updates.observe(m);
    network.observe(m, *this);
    if (request) exchanges.complete(*request);
    return;
  }

  const Unopened& u = std::get<Unopened>(r.result);
  rec.status = u.status;
  rec.unopened = u.reason;
  rec.problem = u.problem;
  if (u.status == DecryptStatus::Malformed) {
    rec.context = u.contexts.front()->name;
    rec.context_id = u.contexts.front()->id;
    diagnose(frame.number, rec.problem);
    return;
  }
  if (u.status == DecryptStatus::Failed) {
    std::string names;
    for (const ContextSlot* s : u.contexts) {
      rec.tried_contexts.push_back(s->name);
      names += (names.empty() ? "" : ", ") + s->name;
    }
    rec.hint = u.hint;
    std::string what = is_request ? "request" : "response";
    if (request && request->failed_verification) what += " to the request of frame " + std::to_string(request->frame) + ", which failed too,";
    report(FindingCode::DecryptFailed, frame.number, std::nullopt, what + " fails verification with " + names);
  }
  // Its response still needs to find it, if only to say why it cannot be opened.
  if (is_request) {
    register_request(frame, coap, r.request_kid, r.request_piv).failed_verification =
        rec.status == DecryptStatus::Failed;
  }
  if (request) exchanges.complete(*request);
}

Role Engine::settle_roles(ContextSlot& base, bool is_request, ByteView request_kid, Role sender) {
  Association& assoc = *base.association;
  if (is_request && base.kind == ContextKind::Keys) {
    // The key file may list the IDs the other way round; the client is whoever sends
    // the first request.
    if (!same_bytes(base.client_id, request_kid)) std::swap(base.client_id, base.server_id);
    sender = Role::Client;
  }
  // Nothing reads them before the first verified message: a key file of 100,000
  // contexts makes no sets for the contexts that never talk.
  const ContextSlot& key_slot = *assoc.slots.front();
  assoc.used_recipient_ids[idx(Role::Client)] = {key_slot.server_id};
  assoc.used_recipient_ids[idx(Role::Server)] = {key_slot.client_id};
  assoc.oriented = true;
  report_settled_contexts(false);
  return sender;
}

PendingRequest& Engine::register_request(const Frame& frame, const CoapMessage& coap,
                                         ByteView kid, ByteView piv) {
  PendingRequest req;
  req.frame = frame.number;
  req.time_us = frame.time_us;
  req.client = frame.src;
  req.server = frame.dst;
  req.token.assign(coap.token);
  req.message_id = coap.message_id;
  req.type = coap.type;
  req.observe = coap.body.has(kOptObserve);
  req.oscore = coap.body.has(kOptOscore);
  req.kid.assign(kid);
  req.piv.assign(piv);
  return exchanges.add_request(std::move(req));
}

}  // namespace oidu
