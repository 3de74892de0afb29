#include "cli/text_report.hpp"

#include <algorithm>
#include <charconv>
#include <iomanip>

#include "analysis/finding_catalogue.hpp"
#include "cli/text_append.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

constexpr std::size_t kPreview = 24;

std::string hex_or_empty(const Bytes& b) { return b.empty() ? "''" : to_hex(b); }

void append_hex_or_empty(Appender& out, const Bytes& b) {
  if (b.empty()) out.put("''");
  else append_hex(out, b);
}

void append_payload_preview(Appender& out, const Bytes& payload) {
  if (payload.empty()) return;
  const bool printable = std::all_of(payload.begin(), payload.end(), [](std::uint8_t c) {
    return c >= 0x20 && c < 0x7f;
  });
  out.put(" | ");
  if (printable) {
    out.put('"');
    out.put(std::string_view(reinterpret_cast<const char*>(payload.data()), std::min(payload.size(), kPreview)));
    out.put(payload.size() > kPreview ? std::string_view("...\"") : std::string_view("\""));
  } else {
    append_hex(out, ByteView(payload.data(), std::min(payload.size(), kPreview / 2)));
    if (payload.size() > kPreview / 2) out.put("...");
  }
}

void append_options(Appender& out, const std::vector<OptionRecord>& options) {
  for (const auto& o : options) {
    if (o.number == kOptOscore) continue;
    out.put(' ');
    if (const OptionInfo* info = option_info(o.number)) out.put(std::string_view(info->name));
    else out.put(option_name(o.number));
    const std::string value = option_value_text(o.number, o.value);
    if (!value.empty()) {
      out.put('=');
      out.put(value);
    }
  }
}

// The frame number right-aligned in six columns.
void append_frame_column(Appender& out, std::uint64_t frame) {
  constexpr std::size_t kWidth = 6;
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, frame).ptr;
  const auto length = static_cast<std::size_t>(end - digits);
  for (std::size_t i = length; i < kWidth; ++i) out.put(' ');
  out.put(std::string_view(digits, length));
}

std::string id_update_label(const MessageRecord& m) {
  std::string label = m.inner_code ? code_description(*m.inner_code) : code_description(m.code);
  for (const auto& o : m.inner_options) {
    if (o.number == kOptRecipientId) label += " RID=" + hex_or_empty(o.value);
    if (o.number == kOptRecipientIdAck) label += " ACK=" + hex_or_empty(o.value);
  }
  // The context that opened it decides, not the z bit: the older drafts send z = 0 on
  // convergent messages too.
  if (m.kudos) label += std::string(m.kudos->convergent ? " conv" : " div") + " x=" + to_hex(Bytes{m.kudos->x});
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
  if (c.origin.kind == ContextKind::Keys && !show_keys_) return;
  out_ << "   context " << c.name << " (" << context_origin_name(c.origin) << "): client " << hex_or_empty(c.client_id)
       << ", server " << hex_or_empty(c.server_id);
  if (c.id_context) out_ << ", ID context " << hex_or_empty(*c.id_context);
  if (show_keys_) out_ << ", master secret " << to_hex(c.master_secret) << ", salt " << hex_or_empty(c.master_salt);
  out_ << "\n";
}

void TextReport::on_formatted_message(const MessageRecord& m, std::string_view text) {
  if (m.procedure && m.status == DecryptStatus::Decrypted) {
    const bool from_client = m.kind == MessageKind::Request;
    rows_[*m.procedure].push_back({m.frame, from_client, id_update_label(m),
                                    m.context_origin ? context_origin_name(*m.context_origin) : "",
                                    message_role_name(m.role)});
  }
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void TextReport::format_message(const MessageRecord& m, std::string& text) const {
  if (!with_messages_) return;
  Appender out(text);
  append_frame_column(out, m.frame);
  out.put("  ");
  append_clock_time(out, m.time_us);
  out.put("  ");
  append_endpoint(out, m.src);
  out.put(" -> ");
  append_endpoint(out, m.dst);
  out.put("  ");
  out.put(coap_type_name(m.type));
  out.put(' ');
  append_code(out, m.code);
  out.put(' ');
  out.put(message_kind_name(m.kind));
  if (m.request_frame) {
    out.put(" (to ");
    append_uint(out, *m.request_frame);
    out.put(')');
  }
  if (m.oscore) {
    if (m.kid) {
      out.put(" kid=");
      append_hex_or_empty(out, *m.kid);
    }
    if (!m.partial_iv.empty()) {
      out.put(" piv=");
      append_hex(out, m.partial_iv);
    }
    if (m.kid_context) {
      out.put(" kidctx=");
      append_hex_or_empty(out, *m.kid_context);
    }
    if (m.kudos) {
      out.put(" kudos x=");
      append_hex(out, ByteView(&m.kudos->x, 1));
      out.put(" nonce=");
      append_hex(out, m.kudos->nonce);
      if (m.kudos->derivation) {
        out.put(" (");
        out.put(kudos_derivation_name(*m.kudos->derivation));
        out.put(')');
      }
    }
  }
  switch (m.status) {
    case DecryptStatus::Decrypted:
      out.put("  [");
      out.put(m.context);
      out.put("] ");
      out.put(code_description(*m.inner_code));
      append_options(out, m.inner_options);
      break;
    case DecryptStatus::NotOscore:
      append_options(out, m.outer_options);
      break;
    default:
      out.put("  <");
      out.put(decrypt_status_name(m.status));
      out.put(": ");
      out.put(m.problem);
      out.put('>');
  }
  append_payload_preview(out, m.payload);
  if (m.procedure) {
    out.put("  {#");
    append_uint(out, *m.procedure);
    out.put(' ');
    out.put(std::string_view(message_role_name(m.role)));
    out.put('}');
  }
  out.put('\n');
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
  // Procedures end in any order (a KUDOS run may end before an ID update begun earlier).
  std::stable_sort(procedures_.begin(), procedures_.end(),
                   [](const ProcedureRecord& a, const ProcedureRecord& b) { return a.id < b.id; });
  for (const auto& p : procedures_) {
    out_ << "\nProcedure #" << p.id << ": " << procedure_type_name(p.type) << " ("
         << procedure_mode_name(p.mode) << "), ";
    if (p.started_before_capture || !p.initiator) out_ << "started before the capture";
    else out_ << "initiated by the " << role_name(*p.initiator);
    out_ << ", " << outcome_name(p.outcome) << ", on " << p.context << "\n";
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
           << " " << std::setw(24) << finding_name(f.code) << " " << f.message << "\n";
    }
  }
  out_ << "\nSummary: " << s.frames << " frames, " << s.coap_messages << " CoAP messages, "
       << s.oscore_messages << " OSCORE, " << s.decrypted << " decrypted, " << s.undecryptable
       << " undecryptable, " << s.duplicates << " retransmissions, " << s.malformed << " malformed, "
       << s.bad_frames << " bad frames, " << s.procedures << " procedures, " << s.findings << " findings\n\n";
}

}  // namespace oidu
