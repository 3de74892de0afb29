// The KUDOS tracker (kudos_tracker.hpp): each peer's state as the messages on the wire
// imply it, and the rules a peer breaks on the way.
#include "analysis/kudos_tracker.hpp"

namespace oidu {
namespace {

std::array<PeerState, 2> kudos_states(const KudosExecution& k) {
  std::array<PeerState, 2> out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i].kudos = k.peers[i].state;
  return out;
}

}  // namespace

const KudosExecution* KudosTracker::running(const Association& assoc) const {
  return assoc.kudos_execution.get();
}

void KudosTracker::finish(Association& assoc) {
  if (running(assoc)) end(assoc, KudosEnd::CaptureEnded);
}

ContextSlot& KudosTracker::context_for(Association& assoc, ContextSlot& base, Role sender, bool is_new,
                                       std::shared_ptr<SecurityContext> context,
                                       KudosDerivation derivation, const OscoreOption& option,
                                       const Frame& frame) {
  std::unique_ptr<KudosExecution>& running = slot_of(assoc);
  // A divergent message protected with a CTX_TEMP derived from this execution's CTX_NEW:
  // the receiver in PENDING takes CTX_NEW as its oldest context and starts over
  // (draft-14 4.3.4, PENDING), so the first execution has reached both peers.
  if (running && !is_new && &base == running->ctx_new) {
    for (auto& peer : running->peers) {
      if (!peer.completed_at) peer.completed_at = frame.number;
      peer.state = KudosState::Idle;
    }
    end(assoc, KudosEnd::NextExecution);
  }
  if (!running) {
    auto k = std::make_unique<KudosExecution>();
    k->id = host_.new_procedure_id();
    k->initiator = sender;
    k->first_sender = sender;
    k->ctx_old = &base;
    k->endpoints[idx(sender)] = frame.src;
    k->endpoints[idx(other(sender))] = frame.dst;
    running = std::move(k);
  }
  KudosExecution& k = *running;
  if (!k.derivation) k.derivation = derivation;
  k.peers[idx(sender)].contribution =
      KudosContribution{option.x, Bytes(option.nonce.begin(), option.nonce.end())};
  ContextSlot*& existing = is_new ? k.ctx_new : k.ctx_temp;
  if (existing && existing->context->material().master_secret == context->material().master_secret) {
    return *existing;
  }
  const std::string tag = is_new ? "new" : "temp";
  existing = &host_.add_context(assoc, assoc.name() + "/kudos#" + std::to_string(k.id) + "/" + tag,
                       is_new ? ContextKind::KudosNew : ContextKind::KudosTemp, std::move(context),
                       base.client_id, base.server_id, k.id, base);
  return *existing;
}

void KudosTracker::observe(Observed& m, bool opened_with_temp, bool opened_with_new) {
  Association& assoc = m.assoc;
  std::unique_ptr<KudosExecution>& running = slot_of(assoc);
  if (!running) return;
  KudosExecution& k = *running;
  const Role s = m.sender;
  const Role r = other(s);
  KudosPeer& ps = k.peers[idx(s)];
  KudosPeer& pr = k.peers[idx(r)];
  k.frames.push_back(m.frame.number);
  m.rec.procedure = k.id;

  if (!m.option.kudos) {
    // A plain answer to a divergent request, outside the new context: the other peer
    // declined KUDOS (e.g. a refused no-FS request), so this execution is over.
    if (m.coap.is_response() && m.request && m.request->kudos &&
        (!k.ctx_new || m.slot.context != k.ctx_new->context) &&
        !ps.contribution) {
      m.rec.role = MessageRole::Declined;
      end(assoc, KudosEnd::Declined);
      return;
    }
    if (ps.state != KudosState::Idle) {
      host_.report(FindingCode::NonKudosWhileBusy, m.frame.number, k.id,
             std::string("the ") + role_name(s) + " sends a non-KUDOS message while " +
                 kudos_state_name(ps.state));
    }
    // PENDING: a non-KUDOS message protected with CTX_NEW is key confirmation.
    // CTX_NEW's keys, with the old IDs or with those of an integrated ID update.
    if (k.ctx_new && m.slot.context == k.ctx_new->context && pr.state == KudosState::Pending) {
      pr.state = KudosState::Idle;
      pr.completed_at = m.frame.number;
      m.rec.role = MessageRole::KeyConfirmation;
    } else {
      m.rec.role = MessageRole::NonKudos;
    }
  } else {
    const bool b = m.option.b();
    if (ps.b_bit && *ps.b_bit != b) {
      host_.report(FindingCode::KudosBBitChanged, m.frame.number, k.id,
             std::string("the ") + role_name(s) + " changed the 'b' bit to " + (b ? "1" : "0"));
    }
    ps.b_bit = b;
    // A CAPABLE peer that knows the other is CAPABLE ignores a no-FS request for the
    // sake of KUDOS (draft-14 4.5.2): its state does not move.
    bool downgrade = false;
    if (m.option.p()) {
      if (!k.no_fs && assoc.ran_fs_kudos[idx(s)]) {
        downgrade = true;
        host_.report(FindingCode::KudosNoFsDowngrade, m.frame.number, k.id,
               std::string("the ") + role_name(s) +
                   " asks for no-FS mode although it ran KUDOS in FS mode with this peer before");
      }
      k.no_fs = true;
    }
    if (opened_with_temp) {
      m.rec.role = MessageRole::Divergent;
      ps.state = KudosState::Busy;
      if (!downgrade && (pr.state == KudosState::Idle || pr.state == KudosState::Pending)) {
        pr.state = KudosState::Busy;
      }
    } else if (opened_with_new) {
      m.rec.role = MessageRole::Convergent;
      if (pr.state == KudosState::Busy && pr.contribution) {
        pr.state = KudosState::Idle;
        pr.completed_at = m.frame.number;
      }
      if (!ps.completed_at) ps.state = KudosState::Pending;
      assoc.current = k.ctx_new;
    }
  }
  m.rec.peer_states = kudos_states(k);
  if (k.peers[0].completed_at && k.peers[1].completed_at) end(assoc, KudosEnd::BothCompleted);
}

void KudosTracker::end(Association& assoc, KudosEnd end) {
  const Outcome outcome = kudos_outcome(end);
  std::unique_ptr<KudosExecution> ended = std::move(slot_of(assoc));
  KudosExecution& k = *ended;
  ProcedureRecord rec = procedure_record(k.id, ProcedureType::Kudos, k.initiator, outcome,
                                         k.no_fs ? ProcedureMode::NoForwardSecrecy : ProcedureMode::ForwardSecrecy,
                                         k.ctx_old, k.frames, k.endpoints);
  for (Role role : {Role::Client, Role::Server}) {
    PeerRecord& peer = role == Role::Client ? rec.client_peer : rec.server_peer;
    peer.completed_at = k.peers[idx(role)].completed_at;
    peer.final_state = k.peers[idx(role)].state;
  }
  rec.derivation = k.derivation;
  if (outcome == Outcome::Success && k.ctx_new) {
    rec.new_context = k.ctx_new->name;
    if (!k.no_fs) assoc.ran_fs_kudos = {true, true};
    if (k.ctx_old) k.ctx_old->retired = true;
    if (k.ctx_temp) k.ctx_temp->retired = true;
    assoc.current = k.ctx_new;
    // A new Master Secret: a fresh triple, so the ID history starts over, and a peer
    // that lost its state has now completed a full key renewal.
    assoc.used_recipient_ids = {std::set<Bytes>{k.ctx_new->server_id},
                                std::set<Bytes>{k.ctx_new->client_id}};
    assoc.failed_offers = {};
    assoc.lost_state = {false, false};
  } else if (outcome == Outcome::Aborted) {
    host_.report(FindingCode::ProcedureFailed, rec.last_frame, k.id, std::string("KUDOS execution ended ") + outcome_name(outcome));
  }
  host_.procedure_ended(rec);
  if (outcome == Outcome::Success && k.ctx_new) host_.kudos_succeeded(assoc, *k.ctx_new);
}

}  // namespace oidu
