// Which context opens a message: requests by kid (and kid context), responses through
// their request, KUDOS messages through CTX_TEMP / CTX_NEW derived from what is on the
// wire. Successful opens are handed to the trackers.
#include <algorithm>

#include "core/cbor.hpp"

#include "analysis/engine.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

const Bytes& id_of(const ContextSlot& slot, Role role) {
  return role == Role::Client ? slot.client_id : slot.server_id;
}

using Candidate = DecryptCandidate;

ContextMaterial kudos_input(const ContextSlot& base, bool no_fs) {
  ContextMaterial in = base.context->material();
  // No-FS mode derives from CTX_BOOTSTRAP (draft-14 section 4.5.2).
  if (no_fs && base.association && base.association->keys &&
      base.association->keys->bootstrap_master_secret) {
    in.master_secret = *base.association->keys->bootstrap_master_secret;
    in.master_salt = base.association->keys->bootstrap_master_salt.value_or(Bytes{});
  }
  return in;
}

bool has_bootstrap(const ContextSlot& base) {
  return base.association && base.association->keys &&
         base.association->keys->bootstrap_master_secret.has_value();
}

}  // namespace

ContextSlot& Engine::add_slot(Association& assoc, std::string name, ContextKind kind, std::shared_ptr<SecurityContext> context,
                              Bytes client_id, Bytes server_id, std::uint32_t procedure) {
  ContextSlot slot;
  slot.name = std::move(name);
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
    sink.on_context(ContextRecord{slot->name, slot->origin(), slot->client_id, slot->server_id, m.aead,
                                  hkdf_name(m.hkdf), m.id_context, m.master_secret, m.master_salt,
                                  frame});
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
  return add_slot(*base.association, base.association->name + "/idctx:" + to_hex(id_context),
                  ContextKind::IdContext,
                  std::make_shared<SecurityContext>(mat), base.client_id, base.server_id, 0);
}

void Engine::handle_oscore(MessageRecord& rec, const Frame& frame, const CoapMessage& coap,
                           const OscoreOption& option) {
  const bool is_request = coap.is_request();
  PendingRequest* request = nullptr;
  std::vector<ContextSlot*>& bases = bases_buffer;
  bases.clear();
  // Views into the option (requests) or into the pending request (responses), which
  // stays in the table until this function completes it.
  ByteView request_kid, request_piv;
  Role requester = Role::Client;

  if (is_request) {
    if (!option.kid) {
      rec.status = DecryptStatus::NoContext;
      rec.problem = "request without kid";
    } else {
      request_kid = *option.kid;
      request_piv = option.partial_iv;
      store.by_kid(*option.kid, bases);
      std::erase_if(bases, [](const ContextSlot* s) { return s->kind == ContextKind::KudosTemp; });
    }
  } else {
    request = exchanges.match_response(frame.src, frame.dst, coap.token, coap.type,
                                       coap.message_id, frame.time_us);
    if (request) rec.request_frame = request->frame;
    if (!request || !request->oscore) {
      rec.status = DecryptStatus::NoContext;
      rec.problem = "no OSCORE request in the capture matches this response";
    } else if (!request->slot && request->failed_verification) {
      // The exchange belongs to the contexts its request's kid named: the response may
      // still open with one of them (the request was damaged on the way to the capture,
      // not to the server), or fails verification as its request did.
      request_kid = request->kid;
      request_piv = request->piv;
      store.by_kid(request_kid, bases);
      std::erase_if(bases, [](const ContextSlot* s) { return s->kind == ContextKind::KudosTemp; });
      if (!bases.empty()) {
        requester = same_bytes(bases.front()->client_id, request_kid) ? Role::Client : Role::Server;
      }
    } else if (!request->slot) {
      rec.status = DecryptStatus::NoContext;
      rec.problem = "its request (frame " + std::to_string(request->frame) + ") was not decrypted";
    } else {
      request_kid = request->kid;
      request_piv = request->piv;
      requester = same_bytes(request->slot->client_id, request_kid) ? Role::Client : Role::Server;
      bases.push_back(request->slot);
      for (auto it = request->slot->association->slots.rbegin();
           it != request->slot->association->slots.rend(); ++it) {
        if (*it != request->slot && (*it)->kind != ContextKind::KudosTemp && !(*it)->retired) {
          bases.push_back(*it);
        }
      }
    }
  }

  // A kid context on the wire that differs from the one in use: the peers are
  // re-deriving (RFC 8613 Appendix B.2) or use another ID Context of the same keys.
  // Implementations send it raw or wrapped in a CBOR byte string; both are tried.
  if (option.kid_context) {
    std::vector<Bytes> wire_contexts{Bytes(option.kid_context->begin(), option.kid_context->end())};
    std::size_t consumed = 0;
    if (auto inner = cbor::read_bstr(*option.kid_context, consumed);
        inner && consumed == option.kid_context->size()) {
      wire_contexts.emplace_back(inner->begin(), inner->end());
    }
    std::vector<ContextSlot*> variants;
    for (ContextSlot* base : bases) {
      if (base->kind == ContextKind::IdContext) continue;
      for (const Bytes& wire_context : wire_contexts) {
        variants.push_back(&id_context_variant(*base, wire_context));
      }
    }
    // B.2's first response carries only the server's nonce R2 but is protected with the
    // ID Context that joins it to the request's (libcoap: R2 || ID1); both orders are tried.
    const auto& asked = request && request->slot ? request->slot->context->material().id_context
                                                 : std::optional<Bytes>{};
    if (!is_request && asked && !asked->empty()) {
      for (const Bytes& w : wire_contexts) {
        Bytes after = w, before = *asked;
        after.insert(after.end(), asked->begin(), asked->end());
        before.insert(before.end(), w.begin(), w.end());
        for (const Bytes* joined : {&after, &before}) {
          variants.push_back(&id_context_variant(*request->slot, *joined));
        }
      }
    }
    std::erase_if(bases, [&](ContextSlot* b) {
      return std::find(variants.begin(), variants.end(), b) != variants.end();
    });
    bases.insert(bases.begin(), variants.begin(), variants.end());
  }

  if (bases.empty()) {
    if (rec.status == DecryptStatus::NotOscore) {
      rec.status = DecryptStatus::NoContext;
      rec.problem = "no context has kid " + (option.kid ? "'" + to_hex(*option.kid) + "'" : "?");
    }
  }

  // Build the list of contexts to try.
  std::vector<Candidate>& candidates = candidates_buffer;
  candidates.clear();
  for (ContextSlot* base : bases) {
    if (!option.kudos) {
      candidates.push_back({base, nullptr, false, false, KudosDerivation::Draft14});
      continue;
    }
    Association& assoc = *base->association;
    const Role sender = is_request ? (same_bytes(base->client_id, request_kid) ? Role::Client : Role::Server)
                                   : other(requester);
    const KudosContribution mine{option.x, Bytes(option.nonce.begin(), option.nonce.end())};
    std::vector<KudosDerivation> derivations{KudosDerivation::Draft14, KudosDerivation::Draft07Style};
    if (assoc.kudos && assoc.kudos->derivation) derivations = {*assoc.kudos->derivation};
    if (option.p() && !has_bootstrap(*base)) {
      rec.problem = "no-FS KUDOS needs bootstrap material in the key file";
    }
    std::vector<Candidate> temp, fresh;
    // CTX_NEW needs the other peer's contribution from this execution.
    if (assoc.kudos && assoc.kudos->ctx_old == base &&
        assoc.kudos->peers[idx(other(sender))].contribution) {
      const auto& theirs = *assoc.kudos->peers[idx(other(sender))].contribution;
      for (auto d : derivations) {
        auto mat = kudos_new_material(d, kudos_input(*base, option.p()), theirs, mine);
        fresh.push_back({base, std::make_shared<SecurityContext>(mat), false, true, d});
      }
    }
    for (auto d : derivations) {
      auto mat = kudos_temp_material(d, kudos_input(*base, option.p()), mine);
      temp.push_back({base, std::make_shared<SecurityContext>(mat), true, false, d});
    }
    // A convergent message is protected with CTX_NEW; a divergent one with CTX_TEMP,
    // except in the older drafts, where the answer to a divergent message had z = 0 too.
    auto& first = option.z() ? fresh : temp;
    auto& second = option.z() ? temp : fresh;
    candidates.insert(candidates.end(), first.begin(), first.end());
    candidates.insert(candidates.end(), second.begin(), second.end());
  }

  const ByteView ciphertext = coap.body.payload;
  for (const Candidate& c : candidates) {
    ContextSlot& base = *c.base;
    SecurityContext& sc = c.derived ? *c.derived : *base.context;
    Role sender;
    AeadInputs in;
    if (is_request) {
      sender = same_bytes(base.client_id, request_kid) ? Role::Client : Role::Server;
      in.sender_id = request_kid;
      in.nonce_id = request_kid;
      in.nonce_piv = option.partial_iv;
    } else {
      sender = other(requester);
      in.sender_id = id_of(base, sender);
      if (option.partial_iv.empty()) {
        in.nonce_id = request_kid;
        in.nonce_piv = request_piv;
      } else {
        in.nonce_id = in.sender_id;
        in.nonce_piv = option.partial_iv;
      }
    }
    in.request_kid = request_kid;
    in.request_piv = request_piv;
    if (!sc.open(in, ciphertext, plaintext)) {
      // A response without a Partial IV reuses its request's AEAD nonce; when it is
      // protected with another context than the request (libcoap's B.2 4.01, under the
      // re-derived R2||ID1), that nonce was made with the request context's Common IV.
      const bool other_iv = !is_request && option.partial_iv.empty() && request && request->slot &&
                            request->slot->context->common_iv() != sc.common_iv();
      if (!other_iv) continue;
      in.nonce_common_iv = request->slot->context->common_iv();
      if (!sc.open(in, ciphertext, plaintext)) continue;
    }

    std::string error;
    const InnerMessage* inner = parse_inner(plaintext, inner_buffer, &error) ? &inner_buffer : nullptr;
    if (!inner) {
      rec.status = DecryptStatus::Malformed;
      rec.problem = "decrypted, but the plaintext is malformed: " + error;
      rec.context = base.name;
      diagnose(frame.number, rec.problem);
      return;
    }
    Association& assoc = *base.association;
    if (!assoc.oriented) sender = settle_roles(base, is_request, request_kid, sender);

    ContextSlot* slot = &base;
    if (c.kudos_temp || c.kudos_new) {
      slot = &kudos_slot(assoc, base, sender, c.kudos_new, c.derived, c.derivation, option, frame);
    }
    rec.status = DecryptStatus::Decrypted;
    rec.problem.clear();
    rec.context = slot->name;
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
      PendingRequest& req = register_request(frame, coap, request_kid, request_piv);
      req.observe = inner->body.has(kOptObserve) || coap.body.has(kOptObserve);
      req.slot = slot;
      req.recipient_id_offered = inner->body.has(kOptRecipientId);
      req.kudos = option.kudos;
      pending = &req;
    }

    Observed m{rec, frame, coap, option, *inner, assoc, *slot, sender, pending};
    note_loss_of_state(m);
    nonces.observe(NonceUse{frame.number, rec.procedure, slot->id, &slot->name, sc.key_digest(in.sender_id),
                            in.nonce_id, in.nonce_piv, ciphertext},
                   *this);
    track_kudos(m, c.kudos_temp, c.kudos_new);
    track_id_update(m);
    network.observe(m, *this);
    if (request) exchanges.complete(*request);
    return;
  }

  if (!candidates.empty() && rec.status != DecryptStatus::Malformed) {
    rec.status = DecryptStatus::Failed;
    std::string names;
    for (ContextSlot* b : bases) names += (names.empty() ? "" : ", ") + b->name;
    rec.problem = "verification failed with " + names;
    std::string what = is_request ? "request" : "response";
    if (request && request->failed_verification) what += " to the request of frame " + std::to_string(request->frame) + ", which failed too,";
    report(FindingCode::DecryptFailed, frame.number, std::nullopt, what + " fails verification with " + names);
  }
  // Its response still needs to find it, if only to say why it cannot be opened.
  if (is_request) {
    register_request(frame, coap, request_kid, request_piv).failed_verification =
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
    assoc.used_recipient_ids[0] = {base.server_id};
    assoc.used_recipient_ids[1] = {base.client_id};
  }
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
