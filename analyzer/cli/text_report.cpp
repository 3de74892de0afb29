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

// How much of a message's values a line shows: everything, or (a line that would not fit
// 120 columns) each option value, nonce and payload preview cut to a few columns.
struct ValueLimits {
  std::size_t value = 0;  // columns per option value, nonce or kid context; 0: all
  std::size_t preview = kPreview;
};
constexpr ValueLimits kWholeValues{};
constexpr ValueLimits kShortValues{.value = 8, .preview = 8};

std::string hex_or_empty(const Bytes& b) { return b.empty() ? "''" : to_hex(b); }

void append_hex_or_empty(Appender& out, const Bytes& b) {
  if (b.empty()) out.put("''");
  else append_hex(out, b);
}

// A value as the limits allow: cut with "…" past `limits.value` columns.
void append_limited(Appender& out, std::string_view value, const ValueLimits& limits) {
  if (limits.value == 0 || display_width(value) <= limits.value) return out.put(value);
  out.put(shorten(value, limits.value));
}

void append_payload_preview(Appender& out, const Bytes& payload, const ValueLimits& limits) {
  if (payload.empty()) return;
  const std::size_t preview = limits.preview;
  const bool printable = std::all_of(payload.begin(), payload.end(), [](std::uint8_t c) {
    return c >= 0x20 && c < 0x7f;
  });
  out.put(" | ");
  if (printable) {
    out.put('"');
    out.put(std::string_view(reinterpret_cast<const char*>(payload.data()), std::min(payload.size(), preview)));
    out.put(payload.size() > preview ? std::string_view("...\"") : std::string_view("\""));
  } else {
    append_hex(out, ByteView(payload.data(), std::min(payload.size(), preview / 2)));
    if (payload.size() > preview / 2) out.put("...");
  }
}

void append_options(Appender& out, const std::vector<OptionRecord>& options, const ValueLimits& limits) {
  for (const auto& o : options) {
    if (o.number == kOptOscore) continue;
    out.put(' ');
    if (const OptionInfo* info = option_info(o.number)) out.put(std::string_view(info->name));
    else out.put(option_name(o.number));
    const std::string value = option_value_text(o.number, o.value);
    if (!value.empty()) {
      out.put('=');
      append_limited(out, value, limits);
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
ProcedureWords words_of(const ProcedureRecord& p) {
  return {procedure_type_name(p.type), procedure_mode_name(p.mode), initiator_name(p.initiator),
          outcome_name(p.outcome)};
}

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

// Context names from key files can be long; a message line that does not fit keeps this
// much of its context name.
constexpr std::size_t kShortContext = 32;

// Stands for a space that wrap() must not break at; one column wide like the space.
constexpr char kUnbreakable = '\x01';

// Where a message line's parts are in the report's text: what the message is (from its
// OSCORE option on), the context name in it (when decrypted), the {#procedure role} suffix.
struct MessageLineParts {
  std::size_t middle_at = 0, context_at = 0, context_end = 0, suffix_at = 0;
};

// Appends a message's line without its newline; says where its parts are.
MessageLineParts append_message_line(const MessageRecord& m, std::string& text, const ValueLimits& limits) {
  MessageLineParts parts;
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
  parts.middle_at = static_cast<std::size_t>(out.room(0) - text.data());
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
      append_limited(out, hex_or_empty(*m.kid_context), limits);
    }
    if (m.kudos) {
      out.put(" kudos x=");
      append_hex(out, ByteView(&m.kudos->x, 1));
      out.put(" nonce=");
      if (limits.value == 0) append_hex(out, m.kudos->nonce);
      else append_limited(out, to_hex(m.kudos->nonce), limits);
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
      parts.context_at = static_cast<std::size_t>(out.room(0) - text.data());
      out.put(m.context);
      parts.context_end = static_cast<std::size_t>(out.room(0) - text.data());
      out.put("] ");
      out.put(code_description(*m.inner_code));
      append_options(out, m.inner_options, limits);
      break;
    case DecryptStatus::NotOscore:
      append_options(out, m.outer_options, limits);
      break;
    default:
      out.put("  <");
      out.put(decrypt_status_name(m.status));
      out.put(": ");
      out.put(m.problem);
      out.put('>');
  }
  append_payload_preview(out, m.payload, limits);
  parts.suffix_at = static_cast<std::size_t>(out.room(0) - text.data());
  if (m.procedure) {
    out.put("  {#");
    append_uint(out, *m.procedure);
    out.put(' ');
    out.put(std::string_view(message_role_name(m.role)));
    out.put('}');
  }
  return parts;  // the Appender, gone with the return, leaves `text` exactly its text
}

// Puts a message line (from `start`, without its newline) on two lines of kTextWidth
// columns: what the message is (from its OSCORE option on: kid, Partial IV, context,
// inner code, options, payload) goes under the rest, its context name shortened in the
// middle. Each line is cut where it still does not fit; false if one had to be.
bool split_message_line(std::string& text, std::size_t start, const MessageLineParts& parts) {
  const std::string head = text.substr(start, parts.middle_at - start);
  const std::string suffix = text.substr(parts.suffix_at);
  std::string middle = text.substr(parts.middle_at, parts.suffix_at - parts.middle_at);
  if (parts.context_end > parts.context_at) {
    const std::size_t at = parts.context_at - parts.middle_at, length = parts.context_end - parts.context_at;
    middle = middle.substr(0, at) + shorten_middle(middle.substr(at, length), kShortContext) +
             middle.substr(at + length);
  }
  // Under the time column; the middle starts with a space of its own.
  middle = std::string(7, ' ') + middle;
  const std::size_t suffix_width = display_width(suffix);
  const std::size_t head_room = kTextWidth > suffix_width ? kTextWidth - suffix_width : 0;
  const bool whole = display_width(head) <= head_room && display_width(middle) <= kTextWidth;
  text.resize(start);
  text += shorten(head, head_room);
  text += suffix;
  text += '\n';
  text += shorten(middle, kTextWidth);
  return whole;
}

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
  if (c.origin.kind == ContextKind::Keys && !options_.show_keys) return;
  std::string line = "   context " + c.name + " (" + context_origin_name(c.origin) + "): client " + hex_or_empty(c.client_id) +
                     ", server " + hex_or_empty(c.server_id);
  if (c.id_context) line += ", ID context " + hex_or_empty(*c.id_context);
  if (options_.show_keys) {
    line += ", master secret " + to_hex(c.master_secret) + ", salt " + hex_or_empty(c.master_salt);
  }
  put_wrapped(line, 5);
}

void TextReport::on_formatted_message(const MessageRecord& m, std::string_view text) {
  if (m.procedure && m.status == DecryptStatus::Decrypted) {
    const bool from_client = m.kind == MessageKind::Request;
    rows_[*m.procedure].push_back(
        {m.frame, from_client, id_update_label(m),
         m.context_origin ? context_origin_name(*m.context_origin) : "", message_role_name(m.role)});
  }
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void TextReport::format_message(const MessageRecord& m, std::string& text) const {
  if (!options_.with_messages) return;
  const std::size_t start = text.size();
  const auto render = [&](const ValueLimits& limits) {
    text.resize(start);
    return append_message_line(m, text, limits);
  };
  const auto fits = [&] { return display_width(std::string_view(text).substr(start)) <= kTextWidth; };
  render(kWholeValues);
  // One line if it can be, with whole values or else short ones; then two lines, again
  // with whole values if they fit.
  if (!options_.wide && !fits()) {
    render(kShortValues);
    if (!fits() && !split_message_line(text, start, render(kWholeValues))) {
      split_message_line(text, start, render(kShortValues));
    }
  }
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
    std::string ids =
        "   old IDs: client " + hex_or_empty(p.old_client_id) + ", server " + hex_or_empty(p.old_server_id);
    if (p.new_client_id) {
      ids += "; new IDs: client " + hex_or_empty(*p.new_client_id) + ", server " + hex_or_empty(*p.new_server_id);
    }
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
  // Each count with its noun: a line breaks between counts, not inside one.
  std::string summary = "Summary:";
  for (const std::string& item :
       {count_of(s.frames, "frame"), count_of(s.coap_messages, "CoAP message"),
        std::to_string(s.oscore_messages) + " OSCORE", std::to_string(s.decrypted) + " decrypted",
        std::to_string(s.undecryptable) + " undecryptable", count_of(s.duplicates, "duplicate"),
        std::to_string(s.malformed) + " malformed", count_of(s.bad_frames, "bad frame"),
        count_of(s.procedures, "procedure"), count_of(s.findings, "finding")}) {
    std::string unbroken = item;
    std::replace(unbroken.begin(), unbroken.end(), ' ', kUnbreakable);
    summary += (summary.size() > 8 ? ", " : " ") + unbroken;
  }
  if (!options_.wide) summary = wrap(summary, kTextWidth, 9);
  std::replace(summary.begin(), summary.end(), kUnbreakable, ' ');
  out_ << "\n" << summary << "\n\n";
}

}  // namespace oidu
