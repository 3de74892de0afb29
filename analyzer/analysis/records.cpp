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

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

}  // namespace oidu
