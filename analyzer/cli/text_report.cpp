#include "cli/text_report.hpp"

#include <algorithm>
#include <charconv>
#include <iomanip>
#include <sstream>

#include "analysis/finding_catalogue.hpp"
#include "cli/text_append.hpp"
#include "cli/text_layout.hpp"
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

// A procedure's type, mode, initiator and outcome as the report words them: the one
// place that turns those fields into text.
struct ProcedureWords {
  std::string_view type, mode, initiator, outcome;
};
ProcedureWords words_of(const ProcedureRecord& p) { return {p.type, p.mode, p.initiator, p.outcome}; }

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string joined_base_names(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& path : paths) {
    if (!out.empty()) out += ", ";
    out += base_name(path);
  }
  return out.empty() ? "none" : out;
}

// Context names from key files can be long; a message line that does not fit keeps at
// least this much of its context name.
constexpr std::size_t kShortContext = 10;

}  // namespace

TextReport::TextReport(std::ostream& out, TextReportOptions options) : out_(out), options_(std::move(options)) {}

void TextReport::put_wrapped(const std::string& line, std::size_t indent) {
  if (options_.wide) out_ << line << "\n";
  else out_ << wrap(line, kTextWidth, indent) << "\n";
}

void TextReport::begin_capture(const std::string& file) {
  rows_.clear();
  procedures_.clear();
  findings_.clear();
  if (!header_written_ && !options_.captures.empty()) {
    put_wrapped(std::string("oscore-idu ") + OIDU_VERSION + ": captures " + joined_base_names(options_.captures) +
                    "; keys " + joined_base_names(options_.key_files),
                3);
  }
  header_written_ = true;
  out_ << (options_.wide ? "== " + file : shorten("== " + file, kTextWidth)) << "\n";
}

void TextReport::on_context(const ContextRecord& c) {
  if (c.kind == ContextKind::Keys && !options_.show_keys) return;
  std::string line = "   context " + c.name + " (" + c.origin + "): client " + hex_or_empty(c.client_id) +
                     ", server " + hex_or_empty(c.server_id);
  if (c.id_context) line += ", ID context " + hex_or_empty(*c.id_context);
  if (options_.show_keys) line += ", master secret " + to_hex(c.master_secret) + ", salt " + hex_or_empty(c.master_salt);
  put_wrapped(line, 5);
}

void TextReport::on_formatted_message(const MessageRecord& m, std::string_view text) {
  if (m.procedure && m.status == DecryptStatus::Decrypted) {
    const bool from_client = m.kind == MessageKind::Request;
    rows_[*m.procedure].push_back({m.frame, from_client, id_update_label(m), m.context_origin, message_role_name(m.role)});
  }
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void TextReport::fit_message_line(std::string& text, std::size_t start, std::size_t context_at,
                                  std::size_t context_end, std::size_t suffix_at) const {
  const std::string_view line = std::string_view(text).substr(start);
  if (options_.wide || display_width(line) <= kTextWidth) return;
  std::string head(text, start, suffix_at - start);
  const std::string suffix(text, suffix_at);
  // The context name first, as the least telling part, down to kShortContext columns;
  // then the end of the rest (options, payload).
  if (context_end > context_at) {
    const std::string context(text, context_at, context_end - context_at);
    const std::size_t over = display_width(line) - kTextWidth;
    const std::size_t context_width = display_width(context);
    const std::size_t keep = context_width > over + kShortContext ? context_width - over : kShortContext;
    head = text.substr(start, context_at - start) + shorten_middle(context, keep) +
           text.substr(context_end, suffix_at - context_end);
  }
  const std::size_t suffix_width = display_width(suffix);
  const std::size_t room = kTextWidth > suffix_width ? kTextWidth - suffix_width : 0;
  text.resize(start);
  text += shorten(head, room);
  text += suffix;
  if (display_width(std::string_view(text).substr(start)) > kTextWidth) {
    const std::string all = text.substr(start);
    text.resize(start);
    text += shorten(all, kTextWidth);
  }
}

void TextReport::format_message(const MessageRecord& m, std::string& text) const {
  if (!options_.with_messages) return;
  const std::size_t start = text.size();
  std::size_t context_at = 0, context_end = 0, suffix_at = 0;
  {
  Appender out(text);
  append_frame_column(out, m.frame);
  out.put("  ");
  append_clock_time(out, m.time_us);
  out.put("  ");
  append_endpoint(out, m.src);
  out.put(" -> ");
  append_endpoint(out, m.dst);
  out.put("  ");
  out.put(m.type);
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
      context_at = static_cast<std::size_t>(out.room(0) - text.data());
      out.put(m.context);
      context_end = static_cast<std::size_t>(out.room(0) - text.data());
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
  suffix_at = static_cast<std::size_t>(out.room(0) - text.data());
  if (m.procedure) {
    out.put("  {#");
    append_uint(out, *m.procedure);
    out.put(' ');
    out.put(std::string_view(message_role_name(m.role)));
    out.put('}');
  }
  }  // the Appender leaves `text` exactly its text
  fit_message_line(text, start, context_at, context_end, suffix_at);
  text += '\n';
}

void TextReport::on_procedure(const ProcedureRecord& p) { procedures_.push_back(p); }
void TextReport::on_finding(const Finding& f) { findings_.push_back(f); }

void TextReport::on_diagnostic(const Diagnostic& d) {
  std::string line = "   ! " + d.file;
  if (d.frame) line += " frame " + std::to_string(d.frame);
  put_wrapped(line + ": " + d.message, 5);
}

void TextReport::put_chart_heading(const ProcedureRecord& p) {
  constexpr std::size_t kChart = 42;  // from the client's '|' to the server's '|'
  constexpr std::string_view kIndent = "   frame  ";
  const auto aligned = [&](std::string_view left, std::string_view right) {
    const std::size_t used = left.size() + right.size();
    // Right-aligned over the server's '|' when both fit, else two spaces apart.
    const std::size_t gap = used + 2 <= kChart ? kChart - used : 2;
    return std::string(left) + std::string(gap, ' ') + std::string(right);
  };
  out_ << kIndent << aligned("Client", "Server") << "\n";
  out_ << std::string(kIndent.size(), ' ') << aligned(p.client.to_string(), p.server.to_string()) << "\n";
}

void TextReport::end_capture(const Summary& s) {
  constexpr int kWidth = 40;
  // Procedures end in any order (a KUDOS run may end before an ID update begun earlier).
  std::stable_sort(procedures_.begin(), procedures_.end(),
                   [](const ProcedureRecord& a, const ProcedureRecord& b) { return a.id < b.id; });
  for (const auto& p : procedures_) {
    const ProcedureWords words = words_of(p);
    std::string heading = "Procedure #" + std::to_string(p.id) + ": " + std::string(words.type) + " (" +
                          std::string(words.mode) + "), ";
    if (p.started_before_capture) heading += "started before the capture";
    else heading += "initiated by the " + std::string(words.initiator);
    heading += ", " + coloured(words.outcome, options_.colour) + ", on " + p.context;
    out_ << "\n";
    put_wrapped(heading, 3);
    std::string ids = "   old IDs: client " + hex_or_empty(p.old_client_id) + ", server " + hex_or_empty(p.old_server_id);
    if (p.new_client_id) ids += "; new IDs: client " + hex_or_empty(*p.new_client_id) + ", server " + hex_or_empty(*p.new_server_id);
    if (p.derivation) ids += std::string("; derivation ") + kudos_derivation_name(*p.derivation);
    put_wrapped(ids, 5);
    out_ << "\n";
    put_chart_heading(p);
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
    // "   frame NNNNNN sev      CODE                     ": the message wraps under itself.
    constexpr std::size_t kMessageColumn = 3 + 6 + 6 + 1 + 8 + 1 + 24 + 1;
    for (const auto& f : findings_) {
      std::ostringstream line;
      line << "   frame " << std::setw(6) << std::left << f.frame << " "
           << coloured(severity_name(f.severity), options_.colour, 8) << " " << std::setw(24) << finding_name(f.code)
           << " " << f.message;
      put_wrapped(line.str(), kMessageColumn);
    }
  }
  const std::string summary =
      "Summary: " + count_of(s.frames, "frame") + ", " + count_of(s.coap_messages, "CoAP message") + ", " +
      std::to_string(s.oscore_messages) + " OSCORE, " + std::to_string(s.decrypted) + " decrypted, " +
      std::to_string(s.undecryptable) + " undecryptable, " + count_of(s.duplicates, "duplicate") + ", " +
      std::to_string(s.malformed) + " malformed, " + count_of(s.bad_frames, "bad frame") + ", " +
      count_of(s.procedures, "procedure") + ", " + count_of(s.findings, "finding");
  out_ << "\n";
  put_wrapped(summary, 9);
  out_ << "\n";
}

}  // namespace oidu
