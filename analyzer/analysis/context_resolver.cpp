// The context resolver (context_resolver.hpp): the slots a message may belong to, the
// contexts derived from them on the way, and the AEAD that decides which one it is.
#include "analysis/context_resolver.hpp"

#include <algorithm>
#include <cstdint>

#include "core/cbor.hpp"

namespace oidu {
namespace {

const Bytes& id_of(const ContextSlot& slot, Role role) {
  return role == Role::Client ? slot.client_id : slot.server_id;
}

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

Unopened no_context(UnopenedReason reason, std::string problem) {
  return Unopened{DecryptStatus::NoContext, reason, std::move(problem), {}, {}};
}

}  // namespace

void ContextResolver::find_bases(const Frame& frame, const CoapMessage& coap, const OscoreOption& option,
                                 Resolution& r) {
  requester_ = Role::Client;
  if (coap.is_request()) {
    if (!option.kid) {
      r.result = no_context(UnopenedReason::RequestWithoutKid, "request without kid");
      return;
    }
    r.request_kid = *option.kid;
    r.request_piv = option.partial_iv;
    store_.by_kid(*option.kid, bases_);
    std::erase_if(bases_, [](const ContextSlot* s) { return s->kind == ContextKind::KudosTemp; });
    return;
  }
  PendingRequest* request = exchanges_.match_response(frame.src, frame.dst, coap.token, coap.type,
                                                      coap.message_id, frame.time_us);
  r.request = request;
  if (!request || !request->oscore) {
    r.result = no_context(UnopenedReason::NoMatchingRequest, "no OSCORE request in the capture matches this response");
  } else if (!request->slot && request->failed_verification) {
    // The exchange belongs to the contexts its request's kid named: the response may
    // still open with one of them (the request was damaged on the way to the capture,
    // not to the server), or fails verification as its request did.
    r.request_kid = request->kid;
    r.request_piv = request->piv;
    store_.by_kid(r.request_kid, bases_);
    std::erase_if(bases_, [](const ContextSlot* s) { return s->kind == ContextKind::KudosTemp; });
    if (!bases_.empty()) {
      requester_ = same_bytes(bases_.front()->client_id, r.request_kid) ? Role::Client : Role::Server;
    }
  } else if (!request->slot) {
    r.result = no_context(UnopenedReason::RequestNotOpened, "its request (frame " + std::to_string(request->frame) + ") was not decrypted");
  } else {
    r.request_kid = request->kid;
    r.request_piv = request->piv;
    requester_ = same_bytes(request->slot->client_id, r.request_kid) ? Role::Client : Role::Server;
    bases_.push_back(request->slot);
    // A plain response opens with its request's slot unless the context changed in
    // between: the association's other slots, whose number grows with its procedures,
    // are added only when that fails.
    if (option.kudos || option.kid_context) {
      add_association_slots(*request->slot);
    } else {
      deferred_slots_of_ = request->slot;
    }
  }
}

void ContextResolver::add_association_slots(const ContextSlot& request_slot) {
  for (auto it = request_slot.association->slots.rbegin(); it != request_slot.association->slots.rend(); ++it) {
    if (*it != &request_slot && (*it)->kind != ContextKind::KudosTemp && !(*it)->retired) bases_.push_back(*it);
  }
}

void ContextResolver::add_id_context_variants(const OscoreOption& option, bool is_request,
                                              const PendingRequest* request) {
  // A kid context on the wire that differs from the one in use: the peers are
  // re-deriving (RFC 8613 Appendix B.2) or use another ID Context of the same keys.
  // Implementations send it raw or wrapped in a CBOR byte string; both are tried.
  std::vector<Bytes> wire_contexts{Bytes(option.kid_context->begin(), option.kid_context->end())};
  std::size_t consumed = 0;
  if (auto inner = cbor::read_bstr(*option.kid_context, consumed);
      inner && consumed == option.kid_context->size()) {
    wire_contexts.emplace_back(inner->begin(), inner->end());
  }
  std::vector<ContextSlot*> variants;
  for (ContextSlot* base : bases_) {
    if (base->kind == ContextKind::IdContext) continue;
    for (const Bytes& wire_context : wire_contexts) {
      variants.push_back(&variants_.id_context_variant(*base, wire_context));
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
        variants.push_back(&variants_.id_context_variant(*request->slot, *joined));
      }
    }
  }
  std::erase_if(bases_, [&](ContextSlot* b) {
    return std::find(variants.begin(), variants.end(), b) != variants.end();
  });
  bases_.insert(bases_.begin(), variants.begin(), variants.end());
}

std::string ContextResolver::build_candidates(const OscoreOption& option, bool is_request, ByteView request_kid,
                                              Role requester, std::size_t first_base) {
  std::string hint;
  for (std::size_t b = first_base; b < bases_.size(); ++b) {
    ContextSlot* base = bases_[b];
    if (!option.kudos) {
      candidates_.push_back({base, nullptr, false, false, KudosDerivation::Draft14});
      continue;
    }
    const KudosExecution* running = kudos_.running(*base->association);
    const Role sender = is_request ? (same_bytes(base->client_id, request_kid) ? Role::Client : Role::Server)
                                   : other(requester);
    const KudosContribution mine{option.x, Bytes(option.nonce.begin(), option.nonce.end())};
    std::vector<KudosDerivation> derivations{KudosDerivation::Draft14, KudosDerivation::Draft07Style};
    if (running && running->derivation) derivations = {*running->derivation};
    if (option.p() && !has_bootstrap(*base)) hint = "no-FS KUDOS needs bootstrap material in the key file";
    std::vector<Candidate> temp, fresh;
    // CTX_NEW needs the other peer's contribution from this execution.
    if (running && running->ctx_old == base && running->peers[idx(other(sender))].contribution) {
      const auto& theirs = *running->peers[idx(other(sender))].contribution;
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
    candidates_.insert(candidates_.end(), first.begin(), first.end());
    candidates_.insert(candidates_.end(), second.begin(), second.end());
  }
  return hint;
}

bool ContextResolver::attempt(const Candidate& c, const Resolution& r, bool is_request, const OscoreOption& option,
                              ByteView ciphertext, Attempt& a) {
  ContextSlot& base = *c.base;
  SecurityContext& sc = c.derived ? *c.derived : *base.context;
  AeadInputs& in = a.in;
  in = AeadInputs{};
  if (is_request) {
    a.sender = same_bytes(base.client_id, r.request_kid) ? Role::Client : Role::Server;
    in.sender_id = r.request_kid;
    in.nonce_id = r.request_kid;
    in.nonce_piv = option.partial_iv;
  } else {
    a.sender = other(requester_);
    in.sender_id = id_of(base, a.sender);
    if (option.partial_iv.empty()) {
      in.nonce_id = r.request_kid;
      in.nonce_piv = r.request_piv;
    } else {
      in.nonce_id = in.sender_id;
      in.nonce_piv = option.partial_iv;
    }
  }
  in.request_kid = r.request_kid;
  in.request_piv = r.request_piv;
  if (sc.open(in, ciphertext, plaintext_)) return true;
  // A response without a Partial IV reuses its request's AEAD nonce; when it is
  // protected with another context than the request (libcoap's B.2 4.01, under the
  // re-derived R2||ID1), that nonce was made with the request context's Common IV.
  const PendingRequest* request = r.request;
  const bool other_iv = !is_request && option.partial_iv.empty() && request && request->slot &&
                        request->slot->context->common_iv() != sc.common_iv();
  if (!other_iv) return false;
  in.nonce_common_iv = request->slot->context->common_iv();
  return sc.open(in, ciphertext, plaintext_);
}

const ContextSlot* ContextResolver::likely_slot(const Endpoint& src, ByteView kid) const {
  // Most kids name one slot; only a shared one has hints to read.
  const ContextStore::KidInfo info = store_.kid_info(kid);
  if (!info.several) return info.newest;
  const RequestHints::Hint h = hints_.find(src, kid);
  return h.slot != nullptr ? h.slot : info.newest;
}

void ContextResolver::finish_opened(const Candidate& c, const Attempt& a, Resolution& r) {
  ContextSlot& base = *c.base;
  SecurityContext& sc = c.derived ? *c.derived : *base.context;
  std::string error;
  if (!parse_inner(plaintext_, inner_, &error)) {
    r.result = Unopened{DecryptStatus::Malformed, UnopenedReason::MalformedPlaintext,
                        "decrypted, but the plaintext is malformed: " + error, {&base}, {}};
    return;
  }
  r.result = Opened{&base, c.derived, c.kudos_temp, c.kudos_new, c.derivation, a.sender, &inner_,
                    sc.key_digest(a.in.sender_id), a.in.nonce_id, a.in.nonce_piv};
}

Resolution ContextResolver::resolve(const Frame& frame, const CoapMessage& coap, const OscoreOption& option) {
  const bool is_request = coap.is_request();
  const ByteView ciphertext = coap.body.payload;
  Resolution r;
  bases_.clear();
  candidates_.clear();
  deferred_slots_of_ = nullptr;
  Attempt a;

  // A plain request (no KUDOS, no kid context) tries the slots with its kid as the store
  // lists them, except that the slot hinted for its endpoint and kid comes right after
  // the slots newer than it (request_hints.hpp); with none newer, it alone is tried.
  const bool plain_request = is_request && !option.kudos && !option.kid_context && option.kid;
  RequestHints::Hint h;
  ContextSlot* failed_hint = nullptr;
  const ContextStore::KidInfo kid = plain_request ? store_.kid_info(*option.kid) : ContextStore::KidInfo{};
  if (kid.several) {
    h = hints_.find(frame.src, *option.kid);
    if (h.slot != nullptr && kid.newest_id <= h.listed_up_to) {
      requester_ = Role::Client;
      r.request_kid = *option.kid;
      r.request_piv = option.partial_iv;
      const Candidate c{h.slot, nullptr, false, false, KudosDerivation::Draft14};
      if (attempt(c, r, is_request, option, ciphertext, a)) {
        finish_opened(c, a, r);
        return r;
      }
      failed_hint = h.slot;
    }
  }

  find_bases(frame, coap, option, r);
  if (std::holds_alternative<Unopened>(r.result)) return r;
  if (option.kid_context) add_id_context_variants(option, is_request, r.request);
  if (bases_.empty()) {
    r.result = no_context(UnopenedReason::UnknownKid, "no context has kid " + (option.kid ? "'" + to_hex(*option.kid) + "'" : "?"));
    return r;
  }
  const std::string hint = build_candidates(option, is_request, r.request_kid, requester_, 0);

  constexpr std::size_t none = SIZE_MAX;  // no candidate
  std::size_t hinted = none, failed = none;
  for (std::size_t i = 0; plain_request && h.slot != nullptr && i < candidates_.size(); ++i) {
    if (candidates_[i].base != h.slot) continue;
    // The hint failed on this very message already: it would fail again.
    (h.slot == failed_hint ? failed : hinted) = i;
  }
  std::size_t opened = none, from = 0;
  if (hinted != none) {
    // The slots newer than the hint, then the hint: the older ones listed before it
    // failed when it was recorded, and fail for every request it opens.
    for (; from < hinted && candidates_[from].base->id > h.listed_up_to && opened == none; ++from) {
      if (attempt(candidates_[from], r, is_request, option, ciphertext, a)) opened = from;
    }
    if (opened == none && attempt(candidates_[hinted], r, is_request, option, ciphertext, a)) opened = hinted;
    failed = hinted;
  }
  for (std::size_t i = from; i < candidates_.size() && opened == none; ++i) {
    if (i != failed && attempt(candidates_[i], r, is_request, option, ciphertext, a)) opened = i;
  }
  if (opened == none && deferred_slots_of_ != nullptr) {
    add_association_slots(*deferred_slots_of_);
    const std::size_t tried = candidates_.size();
    build_candidates(option, is_request, r.request_kid, requester_, 1);
    for (std::size_t i = tried; i < candidates_.size() && opened == none; ++i) {
      if (attempt(candidates_[i], r, is_request, option, ciphertext, a)) opened = i;
    }
  }
  if (opened != none) {
    if (plain_request && candidates_.size() > 1) {
      hints_.remember(frame.src, r.request_kid, candidates_[opened].base, candidates_.front().base->id, store_.size());
    }
    finish_opened(candidates_[opened], a, r);
    return r;
  }

  std::string names;
  for (const ContextSlot* b : bases_) names += (names.empty() ? "" : ", ") + b->name;
  r.result = Unopened{DecryptStatus::Failed, UnopenedReason::VerificationFailed,
                      "verification failed with " + names + (hint.empty() ? "" : " (" + hint + ")"), bases_, hint};
  return r;
}

}  // namespace oidu
