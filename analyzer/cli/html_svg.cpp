// Draws the HTML report's inline SVG: sequence diagrams, context timelines and the
// identity graph. Coordinates are whole pixels; colours come from the report's CSS classes.
#include "cli/html_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/html_escape.hpp"
#include "cli/text_layout.hpp"

namespace oidu {
namespace {

void put_int(std::string& out, long long v) { out += std::to_string(v); }

// <text class=".." x=".." y=".." [text-anchor]>escaped</text>
void put_text(std::string& out, std::string_view cls, int x, int y, std::string_view text,
              std::string_view anchor = "start") {
  out += "<text class=\"";
  out += cls;
  out += "\" x=\"";
  put_int(out, x);
  out += "\" y=\"";
  put_int(out, y);
  out += '"';
  if (anchor != "start") {
    out += " text-anchor=\"";
    out += anchor;
    out += '"';
  }
  out += '>';
  append_html_escaped(out, text);
  out += "</text>";
}

void put_line(std::string& out, std::string_view cls, int x1, int y1, int x2, int y2) {
  out += "<line class=\"";
  out += cls;
  out += "\" x1=\"";
  put_int(out, x1);
  out += "\" y1=\"";
  put_int(out, y1);
  out += "\" x2=\"";
  put_int(out, x2);
  out += "\" y2=\"";
  put_int(out, y2);
  out += "\"/>";
}

// An arrowhead at (x, y) pointing along (dx, dy), a unit vector.
void put_head(std::string& out, std::string_view cls, double x, double y, double dx, double dy) {
  constexpr double kLength = 9, kHalfWidth = 4;
  const double bx = x - dx * kLength, by = y - dy * kLength;
  const auto point = [&](double px, double py) {
    put_int(out, std::lround(px));
    out += ',';
    put_int(out, std::lround(py));
    out += ' ';
  };
  out += "<polygon class=\"";
  out += cls;
  out += "\" points=\"";
  point(x, y);
  point(bx - dy * kHalfWidth, by + dx * kHalfWidth);
  point(bx + dy * kHalfWidth, by - dx * kHalfWidth);
  out.pop_back();
  out += "\"/>";
}

void open_svg(std::string& out, std::string_view cls, std::string_view id, int width, int height,
              std::string_view label) {
  out += "<svg class=\"";
  out += cls;
  out += '"';
  if (!id.empty()) {
    out += " id=\"";
    out += id;
    out += '"';
  }
  out += " xmlns=\"http://www.w3.org/2000/svg\" width=\"";
  put_int(out, width);
  out += "\" height=\"";
  put_int(out, height);
  out += "\" viewBox=\"0 0 ";
  put_int(out, width);
  out += ' ';
  put_int(out, height);
  out += "\" role=\"img\" aria-label=\"";
  append_html_escaped(out, label);
  out += "\">";
}

// The worst severity among an arrow's findings, for its colour: "" when it has none.
std::string_view worst_severity(const std::vector<ArrowFinding>& findings) {
  std::string_view worst;
  const auto rank = [](std::string_view s) { return s == "error" ? 3 : s == "warning" ? 2 : s == "info" ? 1 : 0; };
  for (const auto& f : findings) {
    if (rank(f.severity) > rank(worst)) worst = f.severity;
  }
  return worst;
}

// Findings beside an arrow: two lines of them; the rest as "+N" on the second.
constexpr std::size_t kFindingsShown = 2;

}  // namespace

SequenceLayout layout_sequence(const SequenceDiagram& d) {
  SequenceLayout layout;
  int y = SequenceLayout::kTop;
  for (const auto& a : d.arrows) {
    y += SequenceLayout::kRow;
    layout.arrow_y.push_back(y);
    y += SequenceLayout::kMarkerRow * ((a.client_completes ? 1 : 0) + (a.server_completes ? 1 : 0));
  }
  if (d.omitted > 0) y += SequenceLayout::kMarkerRow;
  layout.height = y + SequenceLayout::kRow;
  return layout;
}

void append_sequence_svg(std::string& out, const SequenceDiagram& d) {
  using L = SequenceLayout;
  const SequenceLayout layout = layout_sequence(d);
  const std::string number = std::to_string(d.procedure);
  open_svg(out, "sequence", d.id_prefix + "seq-" + number, L::kWidth, layout.height, "sequence diagram of procedure #" + number);
  put_text(out, "head", 48, 30, "frame", "end");
  put_text(out, "lifeline-name", L::kClientX, 18, "Client", "middle");
  put_text(out, "endpoint", L::kClientX, 34, d.client, "middle");
  put_text(out, "lifeline-name", L::kServerX, 18, "Server", "middle");
  put_text(out, "endpoint", L::kServerX, 34, d.server, "middle");
  put_text(out, "head", L::kServerX + 90, 18, "context, role");
  put_line(out, "lifeline", L::kClientX, 42, L::kClientX, layout.height - 8);
  put_line(out, "lifeline", L::kServerX, 42, L::kServerX, layout.height - 8);
  constexpr int kMiddle = (L::kClientX + L::kServerX) / 2;
  constexpr std::size_t kLabelColumns = 50, kSideColumns = 18, kCodeColumns = 22;
  for (std::size_t i = 0; i < d.arrows.size(); ++i) {
    const SequenceArrow& a = d.arrows[i];
    const int y = layout.arrow_y[i];
    const std::string frame = std::to_string(a.frame);
    out += a.anchored ? "<g class=\"msg\" id=\"" + d.id_prefix + "seq-frame-" + frame + "\"><title>"
                      : "<g class=\"msg\"><title>";
    constexpr std::size_t kTitleColumns = 160;
    append_html_escaped(out, shorten("frame " + frame + ": " + a.label + (a.detail.empty() ? "" : " " + a.detail) +
                                         " (" + a.context + (a.role.empty() ? "" : ", " + a.role) + ")",
                                     kTitleColumns));
    out += "</title>";
    if (a.in_table) out += "<a href=\"#" + d.id_prefix + "frame-" + frame + "\">";
    put_text(out, "frame", 48, y + 4, frame, "end");
    if (a.in_table) out += "</a>";
    put_text(out, "label", kMiddle, y - 6, shorten(a.label, kLabelColumns), "middle");
    if (!a.detail.empty()) put_text(out, "detail", kMiddle, y + 14, shorten(a.detail, kLabelColumns), "middle");
    const std::string_view severity = worst_severity(a.findings);
    const std::string cls = severity.empty() ? std::string("arrow") : "arrow sev-" + std::string(severity);
    const int from = a.to_server ? L::kClientX : L::kServerX, to = a.to_server ? L::kServerX : L::kClientX;
    put_line(out, cls, from, y, to, y);
    put_head(out, cls, to, y, a.to_server ? 1.0 : -1.0, 0.0);
    put_text(out, "ctx", L::kServerX + 18, y - 3, shorten_middle(a.context, kSideColumns));
    if (!a.role.empty()) put_text(out, "role", L::kServerX + 18, y + 11, shorten(a.role, kSideColumns + 4));
    // Where the client is, when not where the procedure began: left of its lifeline.
    if (!a.moved.empty()) put_text(out, "moved", L::kClientX - 6, y + 14, "at " + a.moved, "end");
    for (std::size_t k = 0; k < a.findings.size() && k < kFindingsShown; ++k) {
      const ArrowFinding& f = a.findings[k];
      out += "<a href=\"#" + d.id_prefix + "finding-" + std::to_string(f.index) + "\">";
      std::string code = shorten(f.code, kCodeColumns);
      if (k + 1 == kFindingsShown && a.findings.size() > kFindingsShown) {
        code += " +" + std::to_string(a.findings.size() - kFindingsShown);
      }
      put_text(out, "finding sev-" + f.severity, L::kServerX + 160, y - 3 + static_cast<int>(k) * 14, code);
      out += "</a>";
    }
    int marker_y = y + 14 + L::kMarkerRow;
    if (a.client_completes) {
      put_text(out, "complete", L::kClientX + 6, marker_y, "\xe2\x96\xb2 client completes");
      marker_y += L::kMarkerRow;
    }
    if (a.server_completes) put_text(out, "complete", L::kServerX - 6, marker_y, "server completes \xe2\x96\xb2", "end");
    out += "</g>";
  }
  if (d.omitted > 0) {
    put_text(out, "note", kMiddle, layout.height - L::kRow / 2 - 4,
             "\xe2\x80\xa6 " + std::to_string(d.omitted) + (d.omitted == 1 ? " more message" : " more messages") +
                 " of this procedure, not drawn",
             "middle");
  }
  out += "</svg>";
}

namespace {
constexpr int kTimelineWidth = 900, kTimelineLeft = 90, kTimelineRight = 20, kLaneTop = 34, kLaneHeight = 36,
              kBarHeight = 18;

const char* kind_class(TimelineKind k) {
  switch (k) {
    case TimelineKind::Keys: return "ctx-keys";
    case TimelineKind::IdUpdate: return "ctx-idu";
    case TimelineKind::KudosTemp: return "ctx-temp";
    case TimelineKind::KudosNew: return "ctx-new";
    case TimelineKind::IdContext: return "ctx-idctx";
  }
  return "ctx-keys";
}

std::string seconds_after(std::int64_t from_us, std::int64_t to_us) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "+%.3f s", static_cast<double>(to_us - from_us) / 1e6);
  return buffer;
}
}  // namespace

int timeline_x(const Timeline& t, std::int64_t time_us, int width) {
  const int right = width - kTimelineRight;
  if (t.end_us <= t.start_us) return kTimelineLeft;
  const double share = static_cast<double>(time_us - t.start_us) / static_cast<double>(t.end_us - t.start_us);
  return kTimelineLeft + static_cast<int>(std::lround(std::clamp(share, 0.0, 1.0) * (right - kTimelineLeft)));
}

void append_timeline_svg(std::string& out, const Timeline& t) {
  const int lanes = static_cast<int>(t.lanes.size());
  const int legend_y = kLaneTop + lanes * kLaneHeight + 14;
  const int height = legend_y + 16;
  open_svg(out, "timeline", "", kTimelineWidth, height, "contexts used over time");
  put_text(out, "axis", kTimelineLeft, 14, "+0.000 s");
  put_text(out, "axis", kTimelineWidth - kTimelineRight, 14, seconds_after(t.start_us, t.end_us), "end");
  put_line(out, "axis", kTimelineLeft, 20, kTimelineWidth - kTimelineRight, 20);
  for (int i = 0; i < lanes; ++i) {
    const TimelineLane& lane = t.lanes[static_cast<std::size_t>(i)];
    const int y = kLaneTop + i * kLaneHeight;
    put_text(out, "lane", 8, y + kBarHeight - 4, lane.label);
    put_line(out, "track", kTimelineLeft, y + kBarHeight / 2, kTimelineWidth - kTimelineRight, y + kBarHeight / 2);
    for (const auto& s : lane.segments) {
      const int x1 = timeline_x(t, s.start_us, kTimelineWidth);
      const int x2 = std::max(x1 + 3, timeline_x(t, s.end_us, kTimelineWidth));
      out += "<rect class=\"";
      out += kind_class(s.kind);
      out += "\" x=\"" + std::to_string(x1) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
             std::to_string(x2 - x1) + "\" height=\"" + std::to_string(kBarHeight) + "\"><title>";
      append_html_escaped(out, s.context + " (" + s.origin + "): frames " + std::to_string(s.first_frame) + "-" +
                                   std::to_string(s.last_frame) + ", " + std::to_string(s.messages) + " messages, " +
                                   seconds_after(t.start_us, s.start_us) + " to " +
                                   seconds_after(t.start_us, s.end_us));
      out += "</title></rect>";
    }
    for (const auto& m : lane.moves) {
      const int x = timeline_x(t, m.time_us, kTimelineWidth);
      put_line(out, "move", x, y - 4, x, y + kBarHeight + 4);
      // The label on the side with room: right of a mark in the left half, else left of it.
      const bool left_half = x < kTimelineWidth / 2;
      put_text(out, "move-label", left_half ? x + 3 : x - 3, y + kBarHeight + 12,
               "moved to " + m.to + " (frame " + std::to_string(m.frame) + ")", left_half ? "start" : "end");
    }
    if (lane.dropped > 0) {
      put_text(out, "note", kTimelineWidth - kTimelineRight, y - 2,
               "+" + std::to_string(lane.dropped) + " later context changes not drawn", "end");
    }
  }
  struct Key {
    TimelineKind kind;
    const char* name;
  };
  static constexpr Key kLegend[] = {{TimelineKind::Keys, "key file"},
                                    {TimelineKind::IdUpdate, "CTX_B (ID update)"},
                                    {TimelineKind::KudosTemp, "CTX_TEMP (KUDOS)"},
                                    {TimelineKind::KudosNew, "CTX_NEW (KUDOS)"},
                                    {TimelineKind::IdContext, "other ID Context"}};
  int x = kTimelineLeft;
  for (const auto& k : kLegend) {
    out += "<rect class=\"";
    out += kind_class(k.kind);
    out += "\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(legend_y - 10) + "\" width=\"12\" height=\"12\"/>";
    put_text(out, "legend", x + 16, legend_y, k.name);
    x += 150;
  }
  out += "</svg>";
}

namespace {
constexpr int kGraphColumns = 4, kNodeWidth = 150, kNodeHeight = 50, kColumnStep = 230, kRowStep = 100, kGraphMargin = 12;

struct Centre {
  double x, y;
};
Centre node_centre(std::size_t index) {
  const auto column = static_cast<double>(index % kGraphColumns), row = static_cast<double>(index / kGraphColumns);
  return {kGraphMargin + kNodeWidth / 2.0 + column * kColumnStep, kGraphMargin + kNodeHeight / 2.0 + row * kRowStep};
}

// Where the segment from `from` to the centre of box `to` enters that box.
Centre border_point(Centre from, Centre to) {
  const double dx = to.x - from.x, dy = to.y - from.y;
  const double tx = dx == 0 ? 1e9 : (kNodeWidth / 2.0 + 2) / std::abs(dx);
  const double ty = dy == 0 ? 1e9 : (kNodeHeight / 2.0 + 2) / std::abs(dy);
  const double t = std::min({tx, ty, 1.0});
  return {to.x - dx * t, to.y - dy * t};
}
}  // namespace

void append_identity_svg(std::string& out, const std::vector<GraphNode>& nodes, const std::vector<GraphEdge>& edges) {
  const std::size_t rows = (nodes.size() + kGraphColumns - 1) / kGraphColumns;
  const int width = 2 * kGraphMargin + (kGraphColumns - 1) * kColumnStep + kNodeWidth;
  const int height = 2 * kGraphMargin + static_cast<int>(rows == 0 ? 0 : rows - 1) * kRowStep + kNodeHeight;
  open_svg(out, "identities", "", width, height, "identity graph of the observer");
  const auto index_of = [&](std::uint32_t id) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].id == id) return i;
    }
    return nodes.size();
  };
  // Edges first, so that the boxes cover their ends.
  for (const auto& e : edges) {
    const std::size_t a = index_of(e.from), b = index_of(e.to);
    if (a == nodes.size() || b == nodes.size()) continue;
    const Centre from = node_centre(a), centre_to = node_centre(b);
    const Centre start = border_point(centre_to, from), end = border_point(from, centre_to);
    std::string cls = "edge";
    cls += e.change == ChangeMark::Linked ? " change-linked" : e.change == ChangeMark::Unlinked ? " change-unlinked" : "";
    cls += !e.observed ? " unobserved" : e.hard ? " hard" : " soft";
    out += "<g><title>";
    append_html_escaped(out, "I" + std::to_string(e.from) + " -> I" + std::to_string(e.to) + ": " + e.evidence);
    out += "</title>";
    put_line(out, cls, static_cast<int>(std::lround(start.x)), static_cast<int>(std::lround(start.y)),
             static_cast<int>(std::lround(end.x)), static_cast<int>(std::lround(end.y)));
    const double length = std::hypot(end.x - start.x, end.y - start.y);
    if (length > 0) put_head(out, cls, end.x, end.y, (end.x - start.x) / length, (end.y - start.y) / length);
    put_text(out, "edge-label", static_cast<int>(std::lround((start.x + end.x) / 2)),
             static_cast<int>(std::lround((start.y + end.y) / 2)) - 3, shorten(e.evidence, 26), "middle");
    out += "</g>";
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const GraphNode& n = nodes[i];
    const Centre c = node_centre(i);
    const int x = static_cast<int>(c.x) - kNodeWidth / 2, y = static_cast<int>(c.y) - kNodeHeight / 2;
    out += "<g><rect class=\"node\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(kNodeWidth) + "\" height=\"" + std::to_string(kNodeHeight) + "\" rx=\"4\"/>";
    put_text(out, "node-id", x + 6, y + 14, "I" + std::to_string(n.id) + "  " + shorten(n.kid, 16));
    put_text(out, "node-sub", x + 6, y + 29, shorten(n.server, 22));
    put_text(out, "node-sub", x + 6, y + 43, shorten(n.frames, 22));
    out += "</g>";
  }
  out += "</svg>";
}

}  // namespace oidu
