// The completion and failure conditions of ID update and KUDOS (outcome_rules.hpp): the
// one place that decides a procedure's outcome.
#include "analysis/outcome_rules.hpp"

namespace oidu {

bool acknowledgement_counts(const IdUpdatePeer& receiver, ByteView acknowledged) {
  return receiver.offered && same_bytes(*receiver.offered, acknowledged);
}

bool id_update_peer_completed(const IdUpdateProcedure& p, const IdUpdatePeer& peer) {
  if (p.integrated && p.peers[0].offered && p.peers[1].offered) return true;
  return peer.acks_received >= 3 && peer.acks_sent >= 2;
}

bool peers_agree_on_ctx_b(const IdUpdateProcedure& p) {
  for (std::size_t i = 0; i < 2; ++i) {
    const IdUpdatePeer& peer = p.peers[i];
    const IdUpdatePeer& other = p.peers[1 - i];
    if (peer.acknowledged && peer.acknowledged != other.offered) return false;
  }
  return true;
}

Outcome id_update_outcome(const IdUpdateProcedure& p, IdUpdateEnd end) {
  switch (end) {
    case IdUpdateEnd::BothCompleted: return Outcome::Success;
    case IdUpdateEnd::ErrorResponse: return Outcome::Aborted;
    case IdUpdateEnd::Expired:
    case IdUpdateEnd::CaptureEnded: break;
  }
  const bool one_completed = p.peers[0].completed_at || p.peers[1].completed_at;
  if (one_completed && !peers_agree_on_ctx_b(p)) return Outcome::Disagreement;
  return end == IdUpdateEnd::Expired ? Outcome::Failure : Outcome::Incomplete;
}

Outcome kudos_outcome(KudosEnd end) {
  switch (end) {
    case KudosEnd::BothCompleted:
    case KudosEnd::NextExecution: return Outcome::Success;
    case KudosEnd::Declined: return Outcome::Aborted;
    case KudosEnd::CaptureEnded: break;
  }
  return Outcome::Incomplete;
}

bool id_update_expired(const IdUpdateProcedure& p, std::int64_t now_us, double ending_timer_s,
                       unsigned ending_counter) {
  if (now_us - p.start_us > static_cast<std::int64_t>(ending_timer_s * 1e6)) return true;
  if (ending_counter == 0) return false;
  for (const auto& peer : p.peers) {
    if (!peer.completed_at && peer.messages_sent > ending_counter) return true;
  }
  return false;
}

}  // namespace oidu
