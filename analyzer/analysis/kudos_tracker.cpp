// KUDOS (draft-ietf-core-oscore-key-update-14 section 4.3): each peer's IDLE/BUSY/PENDING
// state as the messages on the wire imply it, the contexts the execution derives, and
// the rules a peer breaks on the way.
#include "analysis/engine.hpp"

namespace oidu {
namespace {

std::array<PeerState, 2> kudos_states(const KudosExecution& k) {
  std::array<PeerState, 2> out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i].kudos = k.peers[i].state;
  return out;
}

}  // namespace

ContextSlot& Engine::kudos_slot(Association& assoc, ContextSlot& base, Role sender, bool is_new,
                                std::shared_ptr<SecurityContext> context,
                                KudosDerivation derivation, const OscoreOption& option,
                                const Frame& frame) {
  // A divergent message protected with a CTX_TEMP derived from this execution's CTX_NEW:
  // the receiver in PENDING takes CTX_NEW as its oldest context and starts over
  // (draft-14 4.3.4, PENDING), so the first execution has reached both peers.
  if (assoc.kudos && !is_new && &base == assoc.kudos->ctx_new) {
    for (auto& peer : assoc.kudos->peers) {
      if (!peer.completed_at) peer.completed_at = frame.number;
      peer.state = KudosState::Idle;
    }
    end_kudos(assoc, KudosEnd::NextExecution);
  }
  if (!assoc.kudos) {
    auto k = std::make_unique<KudosExecution>();
    k->id = next_procedure++;
    k->initiator = sender;
    k->first_sender = sender;
    k->ctx_old = &base;
    k->endpoints[idx(sender)] = frame.src;
    k->endpoints[idx(other(sender))] = frame.dst;
    assoc.kudos = std::move(k);
  }
  KudosExecution& k = *assoc.kudos;
  if (!k.derivation) k.derivation = derivation;
  k.peers[idx(sender)].contribution =
      KudosContribution{option.x, Bytes(option.nonce.begin(), option.nonce.end())};
  ContextSlot*& existing = is_new ? k.ctx_new : k.ctx_temp;
  if (existing && existing->context->material().master_secret == context->material().master_secret) {
    return *existing;
  }
  const std::string tag = is_new ? "new" : "temp";
  existing = &add_slot(assoc, assoc.name + "/kudos#" + std::to_string(k.id) + "/" + tag,
                       is_new ? ContextKind::KudosNew : ContextKind::KudosTemp, std::move(context),
                       base.client_id, base.server_id, k.id);
  return *existing;
}

void Engine::track_kudos(Observed& m, bool opened_with_temp, bool opened_with_new) {
  Association& assoc = m.assoc;
  if (!assoc.kudos) return;
  KudosExecution& k = *assoc.kudos;
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
      end_kudos(assoc, KudosEnd::Declined);
      return;
    }
    if (ps.state != KudosState::Idle) {
      report(FindingCode::NonKudosWhileBusy, m.frame.number, k.id,
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
      report(FindingCode::KudosBBitChanged, m.frame.number, k.id,
             std::string("the ") + role_name(s) + " changed the 'b' bit to " + (b ? "1" : "0"));
    }
    ps.b_bit = b;
    // A CAPABLE peer that knows the other is CAPABLE ignores a no-FS request for the
    // sake of KUDOS (draft-14 4.5.2): its state does not move.
    bool downgrade = false;
    if (m.option.p()) {
      if (!k.no_fs && assoc.ran_fs_kudos[idx(s)]) {
        downgrade = true;
        report(FindingCode::KudosNoFsDowngrade, m.frame.number, k.id,
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
  if (k.peers[0].completed_at && k.peers[1].completed_at) end_kudos(assoc, KudosEnd::BothCompleted);
}

void Engine::end_kudos(Association& assoc, KudosEnd end) {
  const Outcome outcome = kudos_outcome(end);
  KudosExecution& k = *assoc.kudos;
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
    report(FindingCode::ProcedureFailed, rec.last_frame, k.id, std::string("KUDOS execution ended ") + outcome_name(outcome));
  }
  ++summary.procedures;
  sink.on_procedure(rec);
  const bool success = outcome == Outcome::Success;
  ContextSlot* ctx_new = k.ctx_new;
  assoc.kudos.reset();
  // An ID update integrated in this execution lands on CTX_NEW.
  if (success && assoc.id_update && assoc.id_update->integrated && ctx_new) {
    IdUpdateProcedure& p = *assoc.id_update;
    if (p.peers[0].offered && p.peers[1].offered) install_new_ids(assoc, p, *ctx_new);
  }
}

}  // namespace oidu
