#include "cli/text_report.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

constexpr std::size_t kPreview = 24;

std::string hex_or_empty(const Bytes& b) { return b.empty() ? "''" : to_hex(b); }

std::string clock_time(std::int64_t time_us) {
  // "12:46:01.123456" out of the ISO form.
  const std::string iso = format_time(time_us);
  const auto t = iso.find('T');
  return t == std::string::npos ? iso : iso.substr(t + 1, iso.size() - t - 2);
}

std::string payload_preview(const Bytes& payload) {
  if (payload.empty()) return "";
  const bool printable = std::all_of(payload.begin(), payload.end(), [](std::uint8_t c) {
    return c >= 0x20 && c < 0x7f;
  });
  std::string text;
  if (printable) {
    text.assign(payload.begin(), payload.begin() + static_cast<long>(std::min(payload.size(), kPreview)));
    text = "\"" + text + (payload.size() > kPreview ? "...\"" : "\"");
  } else {
    text = to_hex(Bytes(payload.begin(), payload.begin() + static_cast<long>(std::min(payload.size(), kPreview / 2)))) +
           (payload.size() > kPreview / 2 ? "..." : "");
  }
  return " | " + text;
}

std::string options_text(const std::vector<OptionRecord>& options) {
  std::string out;
  for (const auto& o : options) {
    if (o.number == kOptOscore) continue;
    out += " " + option_name(o.number);
    const std::string value = option_value_text(o.number, o.value);
    if (!value.empty()) out += "=" + value;
  }
  return out;
}

std::string id_update_label(const MessageRecord& m) {
  std::string label = m.inner_code ? code_description(*m.inner_code) : code_description(m.code);
  for (const auto& o : m.inner_options) {
    if (o.number == kOptRecipientId) label += " RID=" + hex_or_empty(o.value);
    if (o.number == kOptRecipientIdAck) label += " ACK=" + hex_or_empty(o.value);
  }
  if (m.kudos) label += std::string(m.kudos->convergent() ? " conv" : " div") + " x=" + to_hex(Bytes{m.kudos->x});
  return label;
}

}  // namespace

TextReport::TextReport(std::ostream& out, bool show_keys, bool with_messages)
    : out_(out), show_keys_(show_keys), with_messages_(with_messages) {}

void TextReport::begin_capture(const std::string& file) {
  rows_.clear();
  procedures_.clear();
  findings_.clear();
  out_ << "== " << file << "\n";
}

void TextReport::on_context(const ContextRecord& c) {
  if (c.origin == "keys" && !show_keys_) return;
  out_ << "   context " << c.name << " (" << c.origin << "): client " << hex_or_empty(c.client_id)
       << ", server " << hex_or_empty(c.server_id);
  if (c.id_context) out_ << ", ID context " << hex_or_empty(*c.id_context);
  if (show_keys_) out_ << ", master secret " << to_hex(c.master_secret) << ", salt " << hex_or_empty(c.master_salt);
  out_ << "\n";
}

void TextReport::on_message(const MessageRecord& m) {
  if (m.procedure && m.status == DecryptStatus::Decrypted) {
    const bool from_client = m.kind == MessageKind::Request;
    rows_[*m.procedure].push_back({m.frame, from_client, id_update_label(m), m.context_origin, m.role});
  }
  if (!with_messages_) return;
  std::ostringstream line;
  line << std::setw(6) << m.frame << "  " << clock_time(m.time_us) << "  " << m.src.to_string()
       << " -> " << m.dst.to_string() << "  " << m.type << " " << code_text(m.code) << " "
       << message_kind_name(m.kind);
  if (m.request_frame) line << " (to " << *m.request_frame << ")";
  if (m.oscore) {
    if (m.kid) line << " kid=" << hex_or_empty(*m.kid);
    if (!m.partial_iv.empty()) line << " piv=" << to_hex(m.partial_iv);
    if (m.kid_context) line << " kidctx=" << hex_or_empty(*m.kid_context);
    if (m.kudos) {
      line << " kudos x=" << to_hex(Bytes{m.kudos->x}) << " nonce=" << to_hex(m.kudos->nonce);
      if (m.kudos->derivation) line << " (" << kudos_derivation_name(*m.kudos->derivation) << ")";
    }
  }
  switch (m.status) {
    case DecryptStatus::Decrypted:
      line << "  [" << m.context << "] " << code_description(*m.inner_code) << options_text(m.inner_options);
      break;
    case DecryptStatus::NotOscore:
      line << options_text(m.outer_options);
      break;
    default:
      line << "  <" << decrypt_status_name(m.status) << ": " << m.problem << ">";
  }
  line << payload_preview(m.payload);
  if (m.procedure) line << "  {#" << *m.procedure << " " << m.role << "}";
  out_ << line.str() << "\n";

}

void TextReport::on_procedure(const ProcedureRecord& p) { procedures_.push_back(p); }
void TextReport::on_finding(const Finding& f) { findings_.push_back(f); }

void TextReport::on_diagnostic(const Diagnostic& d) {
  out_ << "   ! " << d.file;
  if (d.frame) out_ << " frame " << d.frame;
  out_ << ": " << d.message << "\n";
}

void TextReport::end_capture(const Summary& s) {
  constexpr int kWidth = 40;
  for (const auto& p : procedures_) {
    out_ << "\nProcedure #" << p.id << ": " << p.type << " (" << p.mode << "), initiated by the "
         << p.initiator << ", " << p.outcome << ", on " << p.context << "\n";
    out_ << "   old IDs: client " << hex_or_empty(p.old_client_id) << ", server " << hex_or_empty(p.old_server_id);
    if (p.new_client_id) out_ << "; new IDs: client " << hex_or_empty(*p.new_client_id) << ", server " << hex_or_empty(*p.new_server_id);
    if (p.derivation) out_ << "; derivation " << kudos_derivation_name(*p.derivation);
    out_ << "\n\n";
    out_ << "   frame  " << std::left << std::setw(kWidth / 2) << "Client" << std::setw(kWidth / 2 + 2)
         << std::right << "Server" << "\n" << std::left;
    for (const auto& row : rows_[p.id]) {
      std::string label = " " + row.label + " ";
      if (label.size() > kWidth - 6) label = label.substr(0, kWidth - 6);
      const std::size_t dashes = kWidth - 2 - label.size();
      std::string arrow = row.from_client
                              ? "|" + std::string(dashes / 2, '-') + label + std::string(dashes - dashes / 2, '-') + ">|"
                              : "|<" + std::string(dashes / 2, '-') + label + std::string(dashes - dashes / 2, '-') + "|";
      out_ << "   " << std::setw(6) << std::right << row.frame << std::left << " " << arrow << " "
           << row.context << "  " << row.note << "\n";
      for (const PeerRecord* peer : {&p.client_peer, &p.server_peer}) {
        if (peer->completed_at == row.frame) {
          out_ << "          " << (peer == &p.client_peer ? "^ client" : std::string(kWidth - 8, ' ') + "server ^")
               << " completes\n";
        }
      }
    }
  }
  if (!findings_.empty()) {
    out_ << "\nFindings:\n";
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) { return a.frame < b.frame; });
    for (const auto& f : findings_) {
      out_ << "   frame " << std::setw(6) << std::left << f.frame << " " << std::setw(8) << severity_name(f.severity)
           << " " << std::setw(24) << f.code << " " << f.message << "\n";
    }
  }
  out_ << "\nSummary: " << s.frames << " frames, " << s.coap_messages << " CoAP messages, "
       << s.oscore_messages << " OSCORE, " << s.decrypted << " decrypted, " << s.undecryptable
       << " undecryptable, " << s.duplicates << " retransmissions, " << s.malformed << " malformed, "
       << s.bad_frames << " bad frames, " << s.procedures << " procedures, " << s.findings << " findings\n\n";
}

}  // namespace oidu
