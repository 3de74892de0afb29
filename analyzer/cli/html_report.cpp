// The HTML report's document: collects each capture's records within the limits of
// html_report.hpp, then writes the capture's section (drawings by html_svg.cpp).
#include "cli/html_report.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "analysis/finding_catalogue.hpp"
#include "cli/html_escape.hpp"
#include "cli/html_style.hpp"
#include "cli/html_svg.hpp"
#include "cli/text_append.hpp"
#include "cli/text_layout.hpp"
#include "exposure/evidence.hpp"
#include "exposure/observer.hpp"
#include "exposure/truth.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

std::string hex_or_empty(const Bytes& b) { return b.empty() ? "''" : to_hex(b); }

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Appends <td>escaped</td> (with a class when given).
void cell(std::string& out, std::string_view text, std::string_view cls = "") {
  out += cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
  append_html_escaped(out, text);
  out += "</td>";
}

// "1 link", "3 links".
std::string counted(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string code_label(const MessageRecord& m) {
  return code_description(m.inner_code ? *m.inner_code : m.code);
}

// The ID update and KUDOS values of a message, as the drafts' figures write them.
std::string procedure_values(const MessageRecord& m) {
  std::string out;
  for (const auto& o : m.inner_options) {
    if (o.number == kOptRecipientId) out += " RID=" + hex_or_empty(o.value);
    if (o.number == kOptRecipientIdAck) out += " ACK=" + hex_or_empty(o.value);
  }
  // The context that opened it decides, not the z bit (older drafts send z = 0 on
  // convergent messages too).
  if (m.kudos) {
    out += std::string(m.kudos->convergent ? " conv" : " div") + " x=" + to_hex(Bytes{m.kudos->x}) +
           " N=" + hex_or_empty(m.kudos->nonce);
  }
  return out.empty() ? out : out.substr(1);
}

std::string options_text(const std::vector<OptionRecord>& options) {
  std::string out;
  for (const auto& o : options) {
    if (o.number == kOptOscore) continue;
    out += out.empty() ? "" : " ";
    out += option_name(o.number);
    const std::string value = option_value_text(o.number, o.value);
    if (!value.empty()) out += "=" + value;
  }
  return out;
}

TimelineKind timeline_kind(ContextKind k) {
  switch (k) {
    case ContextKind::Keys: return TimelineKind::Keys;
    case ContextKind::IdUpdate: return TimelineKind::IdUpdate;
    case ContextKind::KudosTemp: return TimelineKind::KudosTemp;
    case ContextKind::KudosNew: return TimelineKind::KudosNew;
    case ContextKind::IdContext: return TimelineKind::IdContext;
  }
  return TimelineKind::Keys;
}

// A message as its procedure's diagram needs it, kept until the capture ends.
struct ArrowData {
  std::uint64_t frame = 0;
  bool request = true;
  Endpoint client_side;  // the request's source or the response's destination
  std::string label, detail, context, role;
};
struct ProcedureArrows {
  std::vector<ArrowData> arrows;
  std::uint64_t omitted = 0;
};

// One peer pair's timeline as it is collected: per lane (client, server) its segments and
// the sender's last endpoint.
struct PeerTimeline {
  std::array<TimelineLane, 2> lanes{TimelineLane{"client", {}, {}, 0}, TimelineLane{"server", {}, {}, 0}};
  std::array<std::optional<Endpoint>, 2> last{};
};

struct ContextInfo {
  std::string root;  // the key-file context it descends from: its peer pair
};

}  // namespace

struct HtmlCapture {
  std::string file;
  // Messages.
  std::string rows;                    // the message table's rows, while not summarised
  std::vector<std::uint64_t> row_frames;
  bool summarised = false;
  std::uint64_t messages = 0;
  std::array<std::uint64_t, 6> by_status{};
  std::map<std::string, std::uint64_t> by_context;  // at most kHtmlContextRows names
  std::uint64_t other_contexts = 0;
  std::uint64_t in_procedures = 0;
  std::int64_t first_time = 0, last_time = 0;
  // Procedures and their drawings.
  std::map<std::uint32_t, ProcedureArrows> arrows;  // at most kHtmlDiagrams procedures
  std::vector<ProcedureRecord> procedures;          // drawn ones keep their record
  std::uint64_t procedures_seen = 0;
  // Findings, contexts, diagnostics, each capped.
  std::vector<Finding> findings;
  std::array<std::uint64_t, 3> by_severity{};
  std::vector<ContextRecord> contexts;
  std::uint64_t contexts_seen = 0;
  std::map<std::string, ContextInfo> context_info;
  std::vector<Diagnostic> diagnostics;
  std::uint64_t diagnostics_seen = 0;
  // Timelines by peer pair (root context), in order of first use.
  std::map<std::string, PeerTimeline> timelines;
  std::vector<std::string> timeline_order;
  std::uint64_t timelines_dropped = 0;
  // The observer, on the clear fields of the same messages.
  exposure::Observer observer;
  std::optional<exposure::Truth> truth;
};

HtmlReport::HtmlReport(std::ostream& out, HtmlReportOptions options) : out_(out), options_(std::move(options)) {}
HtmlReport::~HtmlReport() = default;

void HtmlReport::begin_document() {
  out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  std::string captures;
  for (const auto& c : options_.captures) captures += (captures.empty() ? "" : ", ") + std::string(base_name(c));
  out_ << html_escaped("oscore-idu: " + (captures.empty() ? std::string("report") : captures));
  out_ << "</title>\n<style>" << kHtmlStyle << "</style>\n</head>\n<body>\n";
  std::string keys;
  for (const auto& k : options_.key_files) keys += (keys.empty() ? "" : ", ") + std::string(base_name(k));
  out_ << "<h1>oscore-idu " << OIDU_VERSION << " report</h1>\n<p>Captures: " << html_escaped(captures)
       << "<br>Key files: " << html_escaped(keys.empty() ? "none" : keys)
       << (options_.show_keys ? " (secrets shown: --show-keys)" : " (names only; secrets are shown with --show-keys)")
       << "</p>\n";
  document_begun_ = true;
}

void HtmlReport::begin_capture(const std::string& file) {
  if (!document_begun_) begin_document();
  id_prefix_ = captures_begun_ == 0 ? "" : "c" + std::to_string(captures_begun_ + 1) + "-";
  ++captures_begun_;
  capture_ = std::make_unique<HtmlCapture>();
  capture_->file = file;
  if (options_.with_truth) capture_->truth.emplace();
}

void HtmlReport::format_message(const MessageRecord& m, std::string& out) const {
  if (!options_.with_messages) return;
  const std::string frame = std::to_string(m.frame);
  const std::string procedure = m.procedure ? "#" + std::to_string(*m.procedure) : "";
  const std::string origin = m.context_origin ? context_origin_name(*m.context_origin) : "";
  out += "<tr id=\"" + id_prefix_ + "frame-" + frame + "\" data-context=\"";
  append_html_escaped(out, m.context);
  out += "\" data-procedure=\"" + procedure + "\" data-status=\"" + decrypt_status_name(m.status) + "\">";
  cell(out, frame, "mono");
  // The time of day; the whole time (with the date) as the cell's tooltip.
  out += "<td class=\"mono\" title=\"" + format_time(m.time_us) + "\">";
  {
    Appender clock(out);
    append_clock_time(clock, m.time_us);
  }
  out += "</td>";
  cell(out, m.src.to_string() + " \xe2\x86\x92 " + m.dst.to_string(), "mono nowrap");
  cell(out, std::string(coap_type_name(m.type)) + " " + code_text(m.code), "mono");
  std::string oscore;
  if (m.oscore) {
    if (m.kid) oscore += "kid=" + hex_or_empty(*m.kid) + " ";
    if (m.kid_context) oscore += "kid_ctx=" + hex_or_empty(*m.kid_context) + " ";
    if (!m.partial_iv.empty()) oscore += "piv=" + to_hex(m.partial_iv);
  }
  cell(out, shorten(oscore, kHtmlCellColumns), "mono");
  cell(out, decrypt_status_name(m.status));
  // The context's origin ("kudos #1 CTX_NEW"), its name (which can be long) as the tooltip.
  if (m.context.empty()) {
    cell(out, shorten(m.problem, kHtmlCellColumns));
  } else {
    out += "<td title=\"";
    append_html_escaped(out, m.context);
    out += "\">";
    append_html_escaped(out, origin);
    out += "</td>";
  }
  std::string inner;
  if (m.inner_code) inner = code_description(*m.inner_code) + " " + options_text(m.inner_options);
  cell(out, shorten(inner, kHtmlCellColumns), "mono");
  cell(out, procedure + (m.role ? " " + std::string(message_role_name(m.role)) : ""));
  out += "</tr>\n";
}

void HtmlReport::on_formatted_message(const MessageRecord& m, std::string_view text) {
  HtmlCapture& c = *capture_;
  if (c.messages == 0) c.first_time = m.time_us;
  c.last_time = std::max(c.last_time, m.time_us);
  ++c.messages;
  ++c.by_status[static_cast<std::size_t>(m.status)];
  if (!m.context.empty()) {
    const auto it = c.by_context.find(m.context);
    if (it != c.by_context.end()) ++it->second;
    else if (c.by_context.size() < kHtmlContextRows) c.by_context.emplace(m.context, 1);
    else ++c.other_contexts;
  }
  if (options_.with_messages && !c.summarised) {
    if (c.row_frames.size() < kHtmlMessageRows) {
      c.rows.append(text);
      c.row_frames.push_back(m.frame);
    } else {
      // Too many to list: from here on only counts (the rows' memory is given back).
      c.summarised = true;
      std::string().swap(c.rows);
      std::vector<std::uint64_t>().swap(c.row_frames);
    }
  }
  if (m.procedure) ++c.in_procedures;
  if (m.procedure && m.status == DecryptStatus::Decrypted) {
    auto it = c.arrows.find(*m.procedure);
    if (it == c.arrows.end() && c.arrows.size() < kHtmlDiagrams) it = c.arrows.emplace(*m.procedure, ProcedureArrows{}).first;
    if (it != c.arrows.end()) {
      ProcedureArrows& pa = it->second;
      if (pa.arrows.size() < kHtmlArrows) {
        const bool request = m.kind == MessageKind::Request;
        pa.arrows.push_back({m.frame, request, request ? m.src : m.dst, code_label(m), procedure_values(m),
                             m.context_origin ? context_origin_name(*m.context_origin) : "",
                             message_role_name(m.role)});
      } else {
        ++pa.omitted;
      }
    }
  }
  // Timeline: which context the sender used, and where it sent from.
  if (m.status == DecryptStatus::Decrypted && m.context_origin && m.kind != MessageKind::Empty) {
    const auto info = c.context_info.find(m.context);
    const std::string& root = info != c.context_info.end() ? info->second.root : m.context;
    auto it = c.timelines.find(root);
    if (it == c.timelines.end()) {
      if (c.timelines.size() < kHtmlTimelines) {
        it = c.timelines.emplace(root, PeerTimeline{}).first;
        c.timeline_order.push_back(root);
      } else {
        ++c.timelines_dropped;
      }
    }
    if (it != c.timelines.end()) {
      const std::size_t side = m.kind == MessageKind::Request ? 0 : 1;
      TimelineLane& lane = it->second.lanes[side];
      auto& last = it->second.last[side];
      if (last && last->ip != m.src.ip) lane.moves.push_back({m.time_us, m.frame, m.src.to_string()});
      last = m.src;
      if (!lane.segments.empty() && lane.segments.back().context == m.context) {
        TimelineSegment& s = lane.segments.back();
        s.end_us = m.time_us;
        s.last_frame = m.frame;
        ++s.messages;
      } else if (lane.segments.size() < kHtmlSegments) {
        lane.segments.push_back({m.time_us, m.time_us, m.frame, m.frame, 1, m.context,
                                 context_origin_name(*m.context_origin), timeline_kind(m.context_origin->kind)});
      } else {
        ++lane.dropped;
      }
    }
  }
  const std::uint32_t identity = c.observer.observe(m);
  if (c.truth) c.truth->on_message(identity, m);
}

void HtmlReport::on_procedure(const ProcedureRecord& p) {
  HtmlCapture& c = *capture_;
  ++c.procedures_seen;
  if (c.truth) c.truth->on_procedure(p);
  // Drawn procedures keep their whole record; the others a row's worth (no frame list).
  if (c.procedures.size() < kHtmlDiagrams + kHtmlProcedureRows) {
    c.procedures.push_back(p);
    if (c.procedures.size() > kHtmlDiagrams) c.procedures.back().frames.clear();
  }
}

void HtmlReport::on_finding(const Finding& f) {
  HtmlCapture& c = *capture_;
  ++c.by_severity[static_cast<std::size_t>(f.severity)];
  if (c.findings.size() < kHtmlFindingRows) c.findings.push_back(f);
}

void HtmlReport::on_diagnostic(const Diagnostic& d) {
  HtmlCapture& c = *capture_;
  ++c.diagnostics_seen;
  if (c.diagnostics.size() < kHtmlDiagnosticRows) c.diagnostics.push_back(d);
}

void HtmlReport::on_context(const ContextRecord& ctx) {
  HtmlCapture& c = *capture_;
  ++c.contexts_seen;
  const auto parent = c.context_info.find(ctx.parent);
  c.context_info[ctx.name] = {ctx.parent.empty() ? ctx.name : parent != c.context_info.end() ? parent->second.root : ctx.parent};
  if (c.contexts.size() < kHtmlContextRows) c.contexts.push_back(ctx);
}

namespace {

// The pieces of a capture's section, each appended to `out`.
class Section {
 public:
  Section(const HtmlCapture& c, const HtmlReportOptions& o, std::string prefix)
      : c_(c), o_(o), prefix_(std::move(prefix)) {
    for (std::size_t i = 0; i < c.findings.size(); ++i) findings_at_[c.findings[i].frame].push_back(i);
  }

  // Where the next pieces go.
  void into(std::string& out) { out_ = &out; }
  void summary(const Summary& s);
  void procedures();
  void findings();
  void messages();
  void timelines();
  void identities();
  void contexts();
  void diagnostics();

 private:
  bool in_table(std::uint64_t frame) const {
    return std::binary_search(c_.row_frames.begin(), c_.row_frames.end(), frame);
  }
  // `borrowed`: the arrows are another procedure's; only those of p's frames are drawn.
  void diagram(const ProcedureRecord& p, const ProcedureArrows& pa, bool borrowed);
  void procedure_heading(const ProcedureRecord& p);

  std::string* out_ = nullptr;
  const HtmlCapture& c_;
  const HtmlReportOptions& o_;
  std::string prefix_;  // before every id (HtmlReport::id_prefix_)
  std::map<std::uint64_t, std::vector<std::size_t>> findings_at_;  // frame -> finding indices
  std::set<std::uint64_t> drawn_frames_;                            // frames with an arrow
  std::set<std::uint32_t> drawn_procedures_;                        // procedures with a heading
};

void count_row(std::string& out, std::string_view name, std::uint64_t n) {
  out += "<tr>";
  cell(out, name);
  cell(out, std::to_string(n));
  out += "</tr>";
}

void Section::summary(const Summary& s) {
  // One row of counts, as the text report's summary line.
  const std::pair<std::string, std::uint64_t> counts[] = {
      {"frames", s.frames},
      {"CoAP messages", s.coap_messages},
      {"OSCORE", s.oscore_messages},
      {"decrypted", s.decrypted},
      {"undecryptable", s.undecryptable},
      {"duplicates", s.duplicates},
      {"malformed", s.malformed},
      {"bad frames", s.bad_frames},
      {"procedures", s.procedures},
      {"findings", s.findings},
      {"errors", c_.by_severity[static_cast<std::size_t>(Severity::Error)]},
      {"warnings", c_.by_severity[static_cast<std::size_t>(Severity::Warning)]},
      {"info", c_.by_severity[static_cast<std::size_t>(Severity::Info)]}};
  (*out_) += "<table class=\"summary\"><tr>";
  for (const auto& [name, n] : counts) {
    (*out_) += "<th>";
    append_html_escaped(*out_, name);
    (*out_) += "</th>";
  }
  (*out_) += "</tr><tr>";
  for (const auto& [name, n] : counts) cell(*out_, std::to_string(n));
  (*out_) += "</tr></table>\n";
}

void Section::procedure_heading(const ProcedureRecord& p) {
  (*out_) += "<h3 id=\"" + prefix_ + "procedure-" + std::to_string(p.id) + "\">Procedure #" + std::to_string(p.id) +
          ": ";
  append_html_escaped((*out_), std::string(procedure_type_name(p.type)) + " (" + procedure_mode_name(p.mode) + "), ");
  if (p.started_before_capture) (*out_) += "started before the capture";
  else append_html_escaped((*out_), std::string("initiated by the ") + initiator_name(p.initiator));
  (*out_) += ", <span class=\"outcome-" + std::string(outcome_name(p.outcome)) + "\">" + outcome_name(p.outcome) +
          "</span></h3>\n<p>";
  append_html_escaped((*out_), "on " + p.context + "; frames " + std::to_string(p.first_frame) + "-" +
                                std::to_string(p.last_frame) + "; old IDs: client " + hex_or_empty(p.old_client_id) +
                                ", server " + hex_or_empty(p.old_server_id));
  if (p.new_client_id && p.new_server_id) {
    append_html_escaped((*out_), "; new IDs: client " + hex_or_empty(*p.new_client_id) + ", server " +
                                  hex_or_empty(*p.new_server_id));
  }
  if (p.derivation) append_html_escaped((*out_), std::string("; derivation ") + kudos_derivation_name(*p.derivation));
  if (!p.new_context.empty()) append_html_escaped((*out_), "; new context " + p.new_context);
  (*out_) += "</p>\n";
}

void Section::diagram(const ProcedureRecord& p, const ProcedureArrows& pa, bool borrowed) {
  SequenceDiagram d;
  d.id_prefix = prefix_;
  d.procedure = p.id;
  d.client = p.client.to_string();
  d.server = p.server.to_string();
  d.omitted = borrowed ? 0 : pa.omitted;
  for (const ArrowData& a : pa.arrows) {
    if (borrowed && !std::binary_search(p.frames.begin(), p.frames.end(), a.frame)) continue;
    SequenceArrow arrow;
    arrow.frame = a.frame;
    arrow.to_server = a.request;
    arrow.label = a.label;
    arrow.detail = a.detail;
    arrow.context = a.context;
    arrow.role = a.role;
    if (a.client_side != p.client) arrow.moved = a.client_side.to_string();
    arrow.client_completes = p.client_peer.completed_at == a.frame;
    arrow.server_completes = p.server_peer.completed_at == a.frame;
    arrow.in_table = in_table(a.frame);
    if (const auto f = findings_at_.find(a.frame); f != findings_at_.end()) {
      for (std::size_t i : f->second) {
        arrow.findings.push_back({finding_name(c_.findings[i].code), severity_name(c_.findings[i].severity), i + 1});
      }
    }
    // A borrowed frame's anchor is in its own procedure's diagram.
    arrow.anchored = !borrowed;
    if (!borrowed) drawn_frames_.insert(a.frame);
    d.arrows.push_back(std::move(arrow));
  }
  append_sequence_svg((*out_), d);
}

void Section::procedures() {
  (*out_) += "<h2>Procedures</h2>\n";
  if (c_.procedures_seen == 0) {
    (*out_) += "<p class=\"note\">No ID update or KUDOS procedure in this capture.</p>\n";
    return;
  }
  std::vector<const ProcedureRecord*> order;
  for (const auto& p : c_.procedures) order.push_back(&p);
  // Procedures end in any order (a KUDOS run may end before an ID update begun earlier).
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->id < b->id; });
  std::vector<const ProcedureRecord*> listed;
  std::size_t drawn = 0;
  for (const ProcedureRecord* p : order) {
    if (drawn == kHtmlDiagrams) {
      listed.push_back(p);
      continue;
    }
    ++drawn;
    drawn_procedures_.insert(p->id);
    (*out_) += "<div class=\"procedure\">";
    procedure_heading(*p);
    if (const auto own = c_.arrows.find(p->id); own != c_.arrows.end()) {
      diagram(*p, own->second, false);
    } else {
      // The messages of an integrated ID update name the ID update, not its KUDOS run:
      // the run draws those of its frames.
      const auto host = std::find_if(order.begin(), order.end(), [&](auto* q) { return q->kudos_procedure == p->id; });
      const auto borrowed = host != order.end() ? c_.arrows.find((*host)->id) : c_.arrows.end();
      static const ProcedureArrows kNone;
      diagram(*p, borrowed != c_.arrows.end() ? borrowed->second : kNone, true);
    }
    if (p->kudos_procedure) {
      (*out_) += "<p class=\"note\">Integrated in KUDOS procedure #" + std::to_string(*p->kudos_procedure) + ".</p>";
    }
    (*out_) += "</div>\n";
  }
  if (listed.empty() && c_.procedures_seen == c_.procedures.size()) return;
  (*out_) += "<p class=\"note\">Diagrams are drawn for the first " + std::to_string(kHtmlDiagrams) +
             " procedures; " + counted(listed.size(), "more procedure", "more procedures") + " listed without one" +
             (c_.procedures_seen > c_.procedures.size()
                  ? ", " + std::to_string(c_.procedures_seen - c_.procedures.size()) + " only counted"
                  : std::string()) +
          ".</p>\n<table><tr><th>#</th><th>type</th><th>mode</th><th>outcome</th><th>frames</th><th>context</th></tr>";
  for (const ProcedureRecord* p : listed) {
    (*out_) += "<tr>";
    cell((*out_), std::to_string(p->id));
    cell((*out_), procedure_type_name(p->type));
    cell((*out_), procedure_mode_name(p->mode));
    cell((*out_), outcome_name(p->outcome), std::string("outcome-") + outcome_name(p->outcome));
    cell((*out_), std::to_string(p->first_frame) + "-" + std::to_string(p->last_frame));
    cell((*out_), p->context);
    (*out_) += "</tr>";
  }
  (*out_) += "</table>\n";
}

void Section::findings() {
  (*out_) += "<h2>Findings</h2>\n";
  if (c_.findings.empty()) {
    (*out_) += "<p class=\"note\">No findings.</p>\n";
    return;
  }
  const std::uint64_t all = c_.by_severity[0] + c_.by_severity[1] + c_.by_severity[2];
  if (all > c_.findings.size()) {
    (*out_) += "<p class=\"note\">The first " + std::to_string(c_.findings.size()) + " of " + std::to_string(all) +
            " findings.</p>\n";
  }
  (*out_) += "<table class=\"findings\"><thead><tr><th>severity</th><th>code</th><th>frame</th><th>procedure</th>"
          "<th>reason</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < c_.findings.size(); ++i) {
    const Finding& f = c_.findings[i];
    const std::string frame = std::to_string(f.frame);
    (*out_) += "<tr id=\"" + prefix_ + "finding-" + std::to_string(i + 1) + "\">";
    cell((*out_), severity_name(f.severity), std::string("sev-") + severity_name(f.severity));
    cell((*out_), finding_name(f.code), "mono");
    (*out_) += "<td class=\"mono\">" + frame;
    if (drawn_frames_.contains(f.frame)) (*out_) += " <a href=\"#" + prefix_ + "seq-frame-" + frame + "\">diagram</a>";
    if (in_table(f.frame)) (*out_) += " <a href=\"#" + prefix_ + "frame-" + frame + "\">message</a>";
    (*out_) += "</td>";
    if (f.procedure && drawn_procedures_.contains(*f.procedure)) {
      (*out_) += "<td><a href=\"#" + prefix_ + "procedure-" + std::to_string(*f.procedure) + "\">#" +
              std::to_string(*f.procedure) + "</a></td>";
    } else {
      cell((*out_), f.procedure ? "#" + std::to_string(*f.procedure) : "");
    }
    cell((*out_), f.message);
    (*out_) += "</tr>\n";
  }
  (*out_) += "</tbody></table>\n";
}

void Section::messages() {
  (*out_) += "<h2>Messages</h2>\n";
  if (!o_.with_messages) {
    (*out_) += "<p class=\"note\">Left out (--no-messages).</p>\n";
    return;
  }
  if (c_.summarised) {
    (*out_) += "<p class=\"note\">" + std::to_string(c_.messages) + " messages, more than the " +
            std::to_string(kHtmlMessageRows) +
            " this report lists: counted here instead; diagrams are drawn for the procedures only.</p>\n"
            "<table class=\"counts\"><tr><th>status</th><th>messages</th></tr>";
    for (std::size_t s = 0; s < c_.by_status.size(); ++s) {
      if (c_.by_status[s] > 0) count_row((*out_), decrypt_status_name(static_cast<DecryptStatus>(s)), c_.by_status[s]);
    }
    count_row((*out_), "in a procedure", c_.in_procedures);
    (*out_) += "</table>\n<table class=\"counts\"><tr><th>context</th><th>messages</th></tr>";
    for (const auto& [name, n] : c_.by_context) count_row((*out_), name, n);
    if (c_.other_contexts > 0) count_row((*out_), "other contexts", c_.other_contexts);
    (*out_) += "</table>\n";
    return;
  }
  const std::string id = prefix_ + "messages";
  (*out_) += "<div class=\"filters\" data-table=\"" + id +
          "\"><label>context <select data-key=\"context\"><option value=\"*\">all</option></select></label>"
          "<label>procedure <select data-key=\"procedure\"><option value=\"*\">all</option></select></label>"
          "<label>status <select data-key=\"status\"><option value=\"*\">all</option></select></label>"
          "<span class=\"shown note\"></span></div>\n<table class=\"messages\" id=\"" + id +
          "\"><thead><tr><th>frame</th><th>time</th><th>from \xe2\x86\x92 to</th><th>type, code</th><th>OSCORE</th>"
          "<th>status</th><th>context (name: hover)</th><th>inner code and options</th><th>procedure</th></tr></thead><tbody>\n";
  (*out_) += c_.rows;
  (*out_) += "</tbody></table>\n";
}

void Section::timelines() {
  (*out_) += "<h2>Contexts over time</h2>\n";
  if (c_.timeline_order.empty()) {
    (*out_) += "<p class=\"note\">No decrypted message.</p>\n";
    return;
  }
  for (const auto& root : c_.timeline_order) {
    const PeerTimeline& pt = c_.timelines.at(root);
    Timeline t{c_.first_time, c_.last_time, {}};
    for (const auto& lane : pt.lanes) t.lanes.push_back(lane);
    (*out_) += "<h3>";
    append_html_escaped((*out_), "Peers of " + root);
    (*out_) += "</h3>\n";
    append_timeline_svg((*out_), t);
  }
  if (c_.timelines_dropped > 0) {
    (*out_) += "<p class=\"note\">Timelines are drawn for the first " + std::to_string(kHtmlTimelines) +
            " peer pairs; " + counted(c_.timelines_dropped, "message", "messages") + " of other pairs not drawn.</p>\n";
  }
}

void Section::identities() {
  const auto& ids = c_.observer.identities();
  if (ids.empty()) return;
  (*out_) += "<h2>Observer view</h2>\n<p>What an eavesdropper without keys sees: " +
             counted(ids.size(), "OSCORE identity", "OSCORE identities") + " (kid, kid context, server) and " +
             counted(c_.observer.links().size(), "link", "links") +
             " between them; solid: hard evidence, dashed: timing";
  if (c_.truth) (*out_) += "; the real ID changes in red when the observer links them, green when not";
  (*out_) += ".</p>\n";
  std::vector<GraphNode> nodes;
  for (const auto& i : ids) {
    if (nodes.size() == kHtmlIdentities) break;
    nodes.push_back({i.id, "kid " + hex_or_empty(i.kid), i.server.to_string(),
                     "frames " + std::to_string(i.first_frame) + "-" + std::to_string(i.last_frame)});
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, ChangeMark> changes;
  if (c_.truth) {
    for (const auto& ch : c_.truth->changes()) {
      if (ch.old_identity == 0 || ch.new_identity == 0) continue;
      changes[{ch.old_identity, ch.new_identity}] =
          ch.verdict == exposure::Verdict::Linked ? ChangeMark::Linked : ChangeMark::Unlinked;
    }
  }
  std::vector<GraphEdge> edges;
  for (const auto& l : c_.observer.links()) {
    if (edges.size() == kHtmlLinks) break;
    std::string evidence;
    for (auto kind : l.evidence.kinds()) {
      evidence += (evidence.empty() ? "" : ", ") + std::string(exposure::evidence_info(kind).name);
    }
    GraphEdge e{l.from, l.to, evidence, l.evidence.hard(), true, ChangeMark::None};
    if (const auto ch = changes.find({l.from, l.to}); ch != changes.end()) {
      e.change = ch->second;
      changes.erase(ch);
    }
    edges.push_back(std::move(e));
  }
  for (const auto& [key, mark] : changes) edges.push_back({key.first, key.second, "ID update", false, false, mark});
  append_identity_svg((*out_), nodes, edges);
  if (c_.observer.links().size() > kHtmlLinks) {
    (*out_) += "<p class=\"note\">The first " + std::to_string(kHtmlLinks) + " of " +
               std::to_string(c_.observer.links().size()) + " links are drawn.</p>\n";
  }
  if (ids.size() > nodes.size()) {
    (*out_) += "<p class=\"note\">The first " + std::to_string(nodes.size()) + " of " + std::to_string(ids.size()) +
            " identities are drawn (oscore-idu exposure lists them all).</p>\n";
  }
}

void Section::contexts() {
  (*out_) += "<h2>Security contexts</h2>\n<table><tr><th>name</th><th>origin</th><th>derived from</th>"
          "<th>client Sender ID</th><th>server Sender ID</th><th>ID Context</th><th>AEAD</th><th>HKDF</th>"
          "<th>frame</th>";
  if (o_.show_keys) (*out_) += "<th>Master Secret</th><th>Master Salt</th>";
  (*out_) += "</tr>\n";
  for (const auto& ctx : c_.contexts) {
    (*out_) += "<tr>";
    cell((*out_), ctx.name);
    cell((*out_), context_origin_name(ctx.origin));
    cell((*out_), ctx.parent);
    cell((*out_), hex_or_empty(ctx.client_id), "mono");
    cell((*out_), hex_or_empty(ctx.server_id), "mono");
    cell((*out_), ctx.id_context ? hex_or_empty(*ctx.id_context) : "none", "mono");
    cell((*out_), std::to_string(ctx.aead));
    cell((*out_), ctx.hkdf);
    cell((*out_), ctx.frame ? std::to_string(ctx.frame) : "key file");
    if (o_.show_keys) {
      cell((*out_), to_hex(ctx.master_secret), "mono");
      cell((*out_), hex_or_empty(ctx.master_salt), "mono");
    }
    (*out_) += "</tr>\n";
  }
  (*out_) += "</table>\n";
  if (c_.contexts_seen > c_.contexts.size()) {
    (*out_) += "<p class=\"note\">The first " + std::to_string(c_.contexts.size()) + " of " +
            std::to_string(c_.contexts_seen) + " contexts.</p>\n";
  }
}

void Section::diagnostics() {
  if (c_.diagnostics.empty()) return;
  (*out_) += "<h2>Diagnostics</h2>\n<table><tr><th>frame</th><th>problem</th></tr>\n";
  for (const auto& d : c_.diagnostics) {
    (*out_) += "<tr>";
    cell((*out_), d.frame ? std::to_string(d.frame) : "", "mono");
    cell((*out_), d.message);
    (*out_) += "</tr>\n";
  }
  (*out_) += "</table>\n";
  if (c_.diagnostics_seen > c_.diagnostics.size()) {
    (*out_) += "<p class=\"note\">The first " + std::to_string(c_.diagnostics.size()) + " of " +
            std::to_string(c_.diagnostics_seen) + " diagnostics.</p>\n";
  }
}

}  // namespace

void HtmlReport::end_capture(const Summary& summary) {
  HtmlCapture& c = *capture_;
  c.observer.finish();
  if (c.truth) c.truth->finish(c.observer);
  std::string html;
  html += "<section class=\"capture\">\n<h2>";
  append_html_escaped(html, "Capture " + c.file);
  html += "</h2>\n";
  Section section(c, options_, id_prefix_);
  section.into(html);
  section.summary(summary);
  // The diagrams are drawn first, as the findings table links to the frames they show,
  // and placed after it.
  std::string diagrams;
  section.into(diagrams);
  section.procedures();
  section.into(html);
  section.findings();
  html += diagrams;
  // The message table last but for the contexts: it is the long part.
  section.timelines();
  section.identities();
  section.messages();
  section.contexts();
  section.diagnostics();
  html += "</section>\n";
  out_.write(html.data(), static_cast<std::streamsize>(html.size()));
  capture_.reset();
}

void HtmlReport::end() {
  if (!document_begun_) begin_document();
  out_ << "<script>" << kHtmlScript << "</script>\n</body>\n</html>\n";
  out_.flush();
}

}  // namespace oidu
