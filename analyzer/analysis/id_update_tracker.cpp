// The ID update tracker (id_update_tracker.hpp) as both peers run the procedure: each
// peer's completion condition, failure by ENDING_TIMER or counter, abort by a 5.03.
#include "analysis/id_update_tracker.hpp"

#include <algorithm>

#include "wire/option_registry.hpp"

namespace oidu {
namespace {

constexpr std::uint8_t kServiceUnavailable = 0xA3;  // 5.03
constexpr std::uint8_t kUnauthorized = 0x81;        // 4.01

std::string hex_or_empty(const Bytes& b) { return b.empty() ? "''" : to_hex(b); }

std::array<PeerState, 2> peer_states(const IdUpdateProcedure& p) {
  std::array<PeerState, 2> out;
  for (Role role : {Role::Client, Role::Server}) {
    const IdUpdatePeer& peer = p.peers[idx(role)];
    out[idx(role)] = PeerState{peer.offered, peer.acks_sent, peer.acks_received, peer.completed_at, std::nullopt};
  }
  return out;
}

std::string describe(const IdUpdateProcedure& p) { return peer_states_text(peer_states(p)); }

}  // namespace

IdUpdateTracker::State& IdUpdateTracker::of(const Association& assoc) { return assoc.id_update_state; }

void IdUpdateTracker::kudos_succeeded(Association& assoc, ContextSlot& ctx_new) {
  IdUpdateProcedure* p = of(assoc).ongoing.get();
  if (p && p->integrated && p->peers[0].offered && p->peers[1].offered) install_new_ids(assoc, *p, ctx_new);
}

void IdUpdateTracker::decide_all() {
  while (!undecided_.empty()) report_acks_without_offer(*undecided_.back());
}

void IdUpdateTracker::finish(Association& assoc, std::uint64_t frame, std::int64_t now_us) {
  if (!of(assoc).ongoing) return;
  check_timers(assoc, frame, now_us);
  if (const IdUpdateProcedure* p = of(assoc).ongoing.get()) {
    end(assoc, p->closing_request ? IdUpdateEnd::BothCompleted : IdUpdateEnd::CaptureEnded, 0);
  }
}

ContextSlot& IdUpdateTracker::install_new_ids(Association& assoc, IdUpdateProcedure& p, ContextSlot& base) {
  // The client's new Sender ID is the Recipient ID the server offered, and vice versa.
  const Bytes client_id = *p.peers[idx(Role::Server)].offered;
  const Bytes server_id = *p.peers[idx(Role::Client)].offered;
  for (ContextSlot* s : assoc.slots) {
    if (s->kind == ContextKind::IdUpdate && s->procedure == p.id && s->context == base.context) return *s;
  }
  ContextSlot& slot = host_.add_context(assoc, assoc.name() + "/id-update#" + std::to_string(p.id),
                               ContextKind::IdUpdate,
                               base.context, client_id, server_id, p.id, base);
  p.ctx_b = &slot;
  network_.start_switch(assoc, p.id, p.ctx_a, &slot);
  return slot;
}

void IdUpdateTracker::note_loss_of_state(Observed& m) {
  Association& a = m.assoc;
  const bool is_request = m.coap.is_request();
  if (!is_request && m.inner.code == kUnauthorized && m.inner.body.has(kOptEcho)) {
    // RFC 8613 B.1.2: a server without a replay window challenges with Echo.
    a.lost_state[idx(m.sender)] = true;
  }
  if (m.slot.kind == ContextKind::IdContext) {
    // RFC 8613 B.2: the peer that re-derives asks with a new ID Context; once the answer
    // verifies, the re-derived context works both ways and a new context is in place.
    if (is_request) a.lost_state[idx(m.sender)] = true;
    else a.lost_state = {false, false};
  }
}

void IdUpdateTracker::check_timers(Association& assoc, std::uint64_t frame, std::int64_t now_us) {
  IdUpdateProcedure* p = of(assoc).ongoing.get();
  if (!p || p->closing_request) return;
  if (id_update_expired(*p, now_us, config_.ending_timer_s, config_.ending_counter)) {
    end(assoc, IdUpdateEnd::Expired, frame);
  }
}

void IdUpdateTracker::report_acks_without_offer(Association& a) {
  const AckWithoutOffer& w = *of(a).ack_without_offer;
  for (std::uint64_t frame : w.frames) {
    host_.report(FindingCode::AckMismatch, frame, std::nullopt,
           std::string("the ") + role_name(w.sender) + " acknowledges Recipient ID " + hex_or_empty(w.value) +
               " but no Recipient ID was offered");
  }
  of(a).ack_without_offer.reset();
  std::erase(undecided_, &a);
  if (undecided_.empty()) records_.release();
}

bool IdUpdateTracker::settle_ack_without_offer(Observed& m, const CoapOption* rid, const CoapOption* ack) {
  Association& a = m.assoc;
  AckWithoutOffer& w = *of(a).ack_without_offer;
  const bool same_ack = ack && !rid && same_bytes(w.value, ack->value);
  if (m.sender == w.sender) {
    if (same_ack) {
      w.frames.push_back(m.frame.number);
      return true;
    }
    // Silence from the acknowledging peer decides nothing; anything else does.
    if (rid || ack) report_acks_without_offer(a);
    return false;
  }
  if (!ack || rid) {
    report_acks_without_offer(a);
    return false;
  }
  // Both peers acknowledge: the offers were exchanged before the capture began. Each
  // acknowledgement names the offer of the peer it is sent to.
  auto p = std::make_unique<IdUpdateProcedure>();
  p->id = host_.new_procedure_id();
  p->started_before_capture = true;
  const KudosExecution* running = kudos_.running(a);
  p->integrated = m.option.kudos || running != nullptr;
  p->kudos_id = running ? running->id : 0;
  p->initiator = w.sender;
  p->start_us = w.first_time_us;
  p->ctx_a = &m.slot;
  p->endpoints = w.endpoints;
  p->frames = w.frames;
  IdUpdatePeer& acker = p->peers[idx(w.sender)];
  IdUpdatePeer& offerer = p->peers[idx(other(w.sender))];
  const auto count = static_cast<unsigned>(w.frames.size());
  acker.acks_sent = count;
  acker.messages_sent = count;
  acker.acknowledged = w.value;
  acker.received_offer = acker.continued = true;
  offerer.offered = w.value;
  offerer.acks_received = count;
  offerer.received_offer = true;
  for (MessageRecord& held : records_.held()) {
    if (std::find(w.frames.begin(), w.frames.end(), held.frame) == w.frames.end()) continue;
    held.procedure = p->id;
    held.role = MessageRole::Ack;
  }
  host_.report(FindingCode::StartedBeforeCapture, w.frames.front(), p->id,
         std::string("the capture starts during an ID update: its offers are not in the capture; the ") +
             role_name(other(w.sender)) + "'s offer " + hex_or_empty(w.value) + " is known from the " +
             role_name(w.sender) + "'s acknowledgements, and only what the capture shows is judged");
  of(a).ack_without_offer.reset();
  of(a).ongoing = std::move(p);
  std::erase(undecided_, &a);
  if (undecided_.empty()) records_.release();
  return false;
}

void IdUpdateTracker::observe(Observed& m) {
  Association& a = m.assoc;
  const Role s = m.sender;
  const Role r = other(s);
  const std::uint64_t frame = m.frame.number;
  check_timers(a, frame, m.frame.time_us);

  const CoapOption* rid = m.inner.body.find(kOptRecipientId);
  const CoapOption* ack = m.inner.body.find(kOptRecipientIdAck);
  if (of(a).ack_without_offer && settle_ack_without_offer(m, rid, ack)) return;
  IdUpdateProcedure* p = of(a).ongoing.get();
  if (p && p->closing_request) {
    const bool closes = m.coap.is_response() && m.request && m.request->frame == *p->closing_request;
    if (closes) {
      p->frames.push_back(frame);
      m.rec.procedure = p->id;
      m.rec.role = ack ? MessageRole::Ack : MessageRole::InProcedure;
      m.rec.peer_states = peer_states(*p);
      end(a, IdUpdateEnd::BothCompleted, frame);
      return;
    }
    end(a, IdUpdateEnd::BothCompleted, *p->closing_request);
    p = nullptr;
  }

  if (m.slot.kind == ContextKind::IdUpdate && p && p->ctx_b == &m.slot &&
      !p->peers[idx(s)].completed_at && p->started_before_capture) {
    // Acknowledgements before the capture count too: using CTX_B shows the completion.
    p->peers[idx(s)].completed_at = frame;
  } else if (m.slot.kind == ContextKind::IdUpdate && p && p->ctx_b == &m.slot &&
      !p->peers[idx(s)].completed_at) {
    host_.report(FindingCode::UsedBeforeConfirmed, frame, p->id,
           std::string("the ") + role_name(s) + " uses the new IDs before its completion condition holds (" +
               std::to_string(p->peers[idx(s)].acks_received) + " acks received, " +
               std::to_string(p->peers[idx(s)].acks_sent) + " sent)");
    m.rec.role = MessageRole::PrematureUse;
  }

  if (!p) {
    if (!rid) {
      if (ack) {
        const Bytes value(ack->value.begin(), ack->value.end());
        if (of(a).last_offers[idx(r)] == value) {
          // A late acknowledgement of the procedure that just completed.
          m.rec.procedure = of(a).last;
          m.rec.role = MessageRole::Ack;
          return;
        }
        of(a).ack_without_offer = AckWithoutOffer{s, value, {frame}, m.frame.time_us, {}};
        of(a).ack_without_offer->endpoints[idx(s)] = m.frame.src;
        of(a).ack_without_offer->endpoints[idx(r)] = m.frame.dst;
        undecided_.push_back(&a);
        // With an ID update earlier in the capture, its start cannot be missing.
        if (of(a).last != 0) report_acks_without_offer(a);
      }
      return;
    }
    auto started = std::make_unique<IdUpdateProcedure>();
    started->id = host_.new_procedure_id();
    const KudosExecution* running = kudos_.running(a);
    started->integrated = m.option.kudos || running != nullptr;
    started->kudos_id = running ? running->id : 0;
    started->initiator = s;
    started->start_us = m.frame.time_us;
    started->ctx_a = (m.slot.kind == ContextKind::KudosTemp || m.slot.kind == ContextKind::KudosNew) && running
                         ? running->ctx_old
                         : &m.slot;
    started->endpoints[idx(s)] = m.frame.src;
    started->endpoints[idx(r)] = m.frame.dst;
    of(a).ongoing = std::move(started);
    p = of(a).ongoing.get();
  }

  IdUpdatePeer& ps = p->peers[idx(s)];
  IdUpdatePeer& pr = p->peers[idx(r)];
  p->frames.push_back(frame);
  m.rec.procedure = p->id;
  ++ps.messages_sent;
  const bool is_response = m.coap.is_response();
  const bool aborts = is_response && m.inner.code == kServiceUnavailable && m.request &&
                      m.request->recipient_id_offered;
  std::optional<MessageRole> role;

  if (rid) {
    const Bytes value(rid->value.begin(), rid->value.end());
    role = ack ? MessageRole::OfferAck : MessageRole::Offer;
    if (value.size() > m.slot.context->max_id_length()) {
      host_.report(FindingCode::RidTooLong, frame, p->id,
             "offered Recipient ID " + hex_or_empty(value) + " has " + std::to_string(value.size()) +
                 " bytes; the AEAD allows " + std::to_string(m.slot.context->max_id_length()));
    }
    if (aborts) {
      host_.report(FindingCode::ErrorResponseWithRid, frame, p->id,
             "the 5.03 response aborting the procedure carries Recipient-ID " + hex_or_empty(value));
    } else if (ps.offered && *ps.offered != value && !ps.completed_at) {
      host_.report(FindingCode::ConcurrentProcedure, frame, p->id,
             std::string("the ") + role_name(s) + " offers " + hex_or_empty(value) +
                 " while its offer of " + hex_or_empty(*ps.offered) + " is ongoing");
    } else if (!ps.offered) {
      const bool used = a.used_recipient_ids[idx(s)].count(value) > 0;
      const bool failed = a.failed_offers[idx(s)].count(value) > 0;
      if (!p->integrated && (used || failed)) {
        host_.report(FindingCode::RidReused, frame, p->id,
               std::string("the ") + role_name(s) + " offers Recipient ID " + hex_or_empty(value) +
                   (used ? ", which it already used" : ", which it offered in a failed procedure") +
                   " under the same Master Secret, Master Salt and ID Context");
      }
      // The other peer's own Sender IDs so far are exactly this peer's Recipient IDs.
      if (!p->integrated && used) pr.must_abort = true;
      ps.offered = value;
    }
    pr.received_offer = true;
  }
  if (ack) {
    const Bytes value(ack->value.begin(), ack->value.end());
    if (!role) role = MessageRole::Ack;
    // Offers made before the capture are known only from what the other peer acknowledges.
    if (!pr.offered && p->started_before_capture) pr.offered = value;
    if (acknowledgement_counts(pr, value)) {
      ++pr.acks_received;
    } else {
      host_.report(FindingCode::AckMismatch, frame, p->id,
             std::string("the ") + role_name(s) + " acknowledges " + hex_or_empty(value) + " but the " +
                 role_name(r) + (pr.offered ? " offered " + hex_or_empty(*pr.offered) : " offered nothing"));
    }
    ++ps.acks_sent;
    ps.acknowledged = value;
  }

  const bool echo_challenge = is_response && m.inner.code == kUnauthorized && m.inner.body.has(kOptEcho);
  if ((rid || ack) && !aborts) {
    if (ps.received_offer) ps.continued = true;
    if (ps.must_abort && !ps.reported_own_sender_id) {
      ps.reported_own_sender_id = true;
      host_.report(FindingCode::RidIsOwnSenderId, frame, p->id,
             std::string("the ") + role_name(s) + " goes on although the offered Recipient ID " +
                 hex_or_empty(*pr.offered) + " is one of its own earlier Sender IDs");
    }
    if (!p->integrated && a.lost_state[idx(s)] && !ps.reported_after_reboot) {
      ps.reported_after_reboot = true;
      host_.report(FindingCode::StandaloneAfterReboot, frame, p->id,
             std::string("the ") + role_name(s) +
                 " lost its state and takes part in a stand-alone ID update before a KUDOS or a new context");
    }
  } else if (!aborts && !echo_challenge && ps.received_offer && !ps.continued &&
             !ps.reported_no_continuation) {
    ps.reported_no_continuation = true;
    host_.report(FindingCode::NoContinuation, frame, p->id,
           std::string("the ") + role_name(s) + " received an offer and answers without Recipient-ID or "
               "Recipient-ID-Ack (no support for ID update?)");
  }

  if (aborts) {
    m.rec.role = MessageRole::Abort;
    m.rec.peer_states = peer_states(*p);
    end(a, IdUpdateEnd::ErrorResponse, frame);
    return;
  }

  if (!p->ctx_b && p->peers[0].offered && p->peers[1].offered) {
    if (*p->peers[0].offered == *p->peers[1].offered) {
      host_.report(FindingCode::OfferedIdsEqual, frame, p->id,
             "both peers offered Recipient ID " + hex_or_empty(*p->peers[0].offered) +
                 ": they would share one Sender ID and so one key (RFC 8613 3.3)");
    }
    const KudosExecution* running = kudos_.running(a);
    ContextSlot& base = p->integrated && running && running->ctx_new ? *running->ctx_new : *p->ctx_a;
    install_new_ids(a, *p, base);
  }
  for (Role q : {Role::Client, Role::Server}) {
    IdUpdatePeer& peer = p->peers[idx(q)];
    if (!peer.completed_at && id_update_peer_completed(*p, peer)) peer.completed_at = frame;
  }
  if (!m.rec.role) m.rec.role = role.value_or(MessageRole::InProcedure);
  m.rec.peer_states = peer_states(*p);
  if (p->peers[0].completed_at && p->peers[1].completed_at) {
    if (m.coap.is_request()) {
      p->closing_request = frame;
    } else {
      end(a, IdUpdateEnd::BothCompleted, frame);
    }
  }
}

void IdUpdateTracker::end(Association& a, IdUpdateEnd end, std::uint64_t frame) {
  IdUpdateProcedure& p = *of(a).ongoing;
  const Outcome outcome = id_update_outcome(p, end);
  ProcedureRecord rec = procedure_record(p.id, ProcedureType::IdUpdate, p.initiator, outcome,
                                         p.integrated ? ProcedureMode::Integrated : ProcedureMode::Standalone, p.ctx_a,
                                         p.frames, p.endpoints);
  rec.started_before_capture = p.started_before_capture;
  // Who sent the first Recipient-ID is not in the capture.
  if (p.started_before_capture) rec.initiator.reset();
  for (Role role : {Role::Client, Role::Server}) {
    PeerRecord& peer = role == Role::Client ? rec.client_peer : rec.server_peer;
    peer.offered = p.peers[idx(role)].offered;
    peer.completed_at = p.peers[idx(role)].completed_at;
  }
  if (p.integrated) rec.kudos_procedure = p.kudos_id;

  if (outcome == Outcome::Success) {
    if (!p.ctx_b) install_new_ids(a, p, *p.ctx_a);
    rec.new_client_id = p.ctx_b->client_id;
    rec.new_server_id = p.ctx_b->server_id;
    rec.new_context = p.ctx_b->name;
    a.used_recipient_ids[idx(Role::Client)].insert(*p.peers[0].offered);
    a.used_recipient_ids[idx(Role::Server)].insert(*p.peers[1].offered);
    of(a).last_offers[0] = p.peers[0].offered;
    of(a).last_offers[1] = p.peers[1].offered;
  } else {
    for (Role role : {Role::Client, Role::Server}) {
      const IdUpdatePeer& peer = p.peers[idx(role)];
      if (peer.offered && !peer.completed_at) a.failed_offers[idx(role)].insert(*peer.offered);
    }
    if (p.ctx_b) p.ctx_b->retired = true;
    network_.end_switch(a, p.id);
    if (outcome == Outcome::Disagreement) {
      host_.report(FindingCode::ProcedureFailed, frame ? frame : rec.last_frame, p.id,
             "ID update ended with the peers disagreeing on the new IDs: an acknowledgement names "
             "an ID the other peer did not offer (" + describe(p) + ")");
    } else if (outcome != Outcome::Incomplete) {
      host_.report(FindingCode::ProcedureFailed, frame ? frame : rec.last_frame, p.id,
             std::string("ID update ") + outcome_name(outcome) + " without confirmation (" + describe(p) + ")");
    }
  }
  host_.procedure_ended(rec);
  of(a).last = p.id;
  of(a).ongoing.reset();
}

}  // namespace oidu
