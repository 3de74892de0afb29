// The names of the records' enums as the reports print them (records.hpp): the one
// place that turns a status, kind or role into text.
#include "analysis/records.hpp"

#include "core/bytes.hpp"

namespace oidu {

const char* message_kind_name(MessageKind k) {
  switch (k) {
    case MessageKind::Request: return "request";
    case MessageKind::Response: return "response";
    case MessageKind::Empty: return "empty";
  }
  return "?";
}

const char* decrypt_status_name(DecryptStatus s) {
  switch (s) {
    case DecryptStatus::NotOscore: return "not-oscore";
    case DecryptStatus::Decrypted: return "decrypted";
    case DecryptStatus::NoContext: return "no-context";
    case DecryptStatus::Failed: return "failed";
    case DecryptStatus::Malformed: return "malformed";
    case DecryptStatus::Duplicate: return "duplicate";
  }
  return "?";
}

const char* message_role_name(std::optional<MessageRole> role) {
  if (!role) return "";
  switch (*role) {
    case MessageRole::Offer: return "offer";
    case MessageRole::OfferAck: return "offer+ack";
    case MessageRole::Ack: return "ack";
    case MessageRole::Abort: return "abort";
    case MessageRole::InProcedure: return "in-procedure";
    case MessageRole::PrematureUse: return "premature-use";
    case MessageRole::Divergent: return "divergent";
    case MessageRole::Convergent: return "convergent";
    case MessageRole::KeyConfirmation: return "key-confirmation";
    case MessageRole::NonKudos: return "non-kudos";
    case MessageRole::Declined: return "declined";
  }
  return "?";
}

namespace {

std::string hex_or_empty(const Bytes& b) { return b.empty() ? "''" : to_hex(b); }

}  // namespace

const char* role_name(Role r) { return r == Role::Client ? "client" : "server"; }

const char* initiator_name(std::optional<Role> r) { return r ? role_name(*r) : "unknown"; }

const char* kudos_state_name(KudosState s) {
  switch (s) {
    case KudosState::Idle: return "IDLE";
    case KudosState::Busy: return "BUSY";
    case KudosState::Pending: return "PENDING";
  }
  return "?";
}

const char* procedure_type_name(ProcedureType t) {
  switch (t) {
    case ProcedureType::IdUpdate: return "id-update";
    case ProcedureType::Kudos: return "kudos";
  }
  return "?";
}

const char* procedure_mode_name(ProcedureMode m) {
  switch (m) {
    case ProcedureMode::Standalone: return "standalone";
    case ProcedureMode::Integrated: return "integrated";
    case ProcedureMode::ForwardSecrecy: return "fs";
    case ProcedureMode::NoForwardSecrecy: return "no-fs";
  }
  return "?";
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Success: return "success";
    case Outcome::Failure: return "failure";
    case Outcome::Aborted: return "aborted";
    case Outcome::Incomplete: return "incomplete";
    case Outcome::Disagreement: return "disagreement";
  }
  return "?";
}

std::string context_origin_name(ContextOrigin o) {
  const std::string n = std::to_string(o.procedure);
  switch (o.kind) {
    case ContextKind::Keys: return "keys";
    case ContextKind::IdUpdate: return "id-update #" + n;
    case ContextKind::KudosTemp: return "kudos #" + n + " CTX_TEMP";
    case ContextKind::KudosNew: return "kudos #" + n + " CTX_NEW";
    case ContextKind::IdContext: return "id-context " + to_hex(o.id_context);
  }
  return "?";
}

std::string peer_states_text(const std::array<PeerState, 2>& peers) {
  std::string out;
  for (Role role : {Role::Client, Role::Server}) {
    const PeerState& peer = peers[idx(role)];
    if (!out.empty()) out += peer.kudos ? ", " : "; ";
    out += role_name(role);
    if (peer.kudos) {
      out += std::string(" ") + kudos_state_name(*peer.kudos);
      continue;
    }
    out += peer.offered ? " offered " + hex_or_empty(*peer.offered) : " no offer";
    out += ", acks sent " + std::to_string(peer.acks_sent) + " received " +
           std::to_string(peer.acks_received);
    if (peer.completed_at) out += ", completed at " + std::to_string(*peer.completed_at);
  }
  return out;
}

void reset_keeping_capacity(MessageRecord& m) {
  m.frame = 0;
  m.time_us = 0;
  m.src = {};
  m.dst = {};
  m.src_mac.reset();
  m.dst_mac.reset();
  m.type = CoapType::Con;
  m.code = 0;
  m.message_id = 0;
  m.token.clear();
  m.kind = MessageKind::Empty;
  m.request_frame.reset();
  m.outer_options.clear();
  m.oscore = false;
  m.kid.reset();
  m.kid_context.reset();
  m.partial_iv.clear();
  m.kudos.reset();
  m.status = DecryptStatus::NotOscore;
  m.context.clear();
  m.context_id = 0;
  m.context_origin.reset();
  m.inner_code.reset();
  m.inner_options.clear();
  m.payload.clear();
  m.problem.clear();
  m.unopened.reset();
  m.tried_contexts.clear();
  m.hint.clear();
  m.procedure.reset();
  m.role.reset();
  m.peer_states.reset();
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

}  // namespace oidu
