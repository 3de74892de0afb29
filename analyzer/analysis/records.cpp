// The names of the records' enums as the reports print them (records.hpp): the one
// place that turns a status, kind or role into text.
#include "analysis/records.hpp"

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

void reset_keeping_capacity(MessageRecord& m) {
  m.frame = 0;
  m.time_us = 0;
  m.src = {};
  m.dst = {};
  m.src_mac.reset();
  m.dst_mac.reset();
  m.type.clear();
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
  m.context_origin.clear();
  m.inner_code.reset();
  m.inner_options.clear();
  m.payload.clear();
  m.problem.clear();
  m.procedure.reset();
  m.role.reset();
  m.peer_states.clear();
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
