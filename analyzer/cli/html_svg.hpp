// The HTML report's drawings as inline SVG: a sequence diagram per procedure, a context
// timeline per peer pair, the observer's identity graph. Plain inputs, no records.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace oidu {

// A finding drawn on a message: its code, its severity (CSS class) and its row's anchor.
struct ArrowFinding {
  std::string code;       // "ACK_MISMATCH"
  std::string severity;   // "error", "warning", "info"
  std::size_t index = 0;  // id="<prefix>finding-<index>" in the findings table
};

// One message of a procedure, as the drafts' figures draw it.
struct SequenceArrow {
  std::uint64_t frame = 0;
  bool to_server = true;     // a request; a response goes back to the client
  std::string label;         // the (inner) code: "GET", "2.05 Content"
  std::string detail;        // "RID=42 ACK=78", "div x=01 N=f2f1..."; may be empty
  std::string context;       // the context that opened it: "keys", "kudos #1 CTX_TEMP"
  std::string role;          // "offer", "divergent", ...
  std::string moved;         // the client's endpoint when it is not the procedure's one
  std::vector<ArrowFinding> findings;
  bool client_completes = false, server_completes = false;  // that peer's completion held here
  bool in_table = false;     // the message table has a row id="<prefix>frame-<frame>"
  bool anchored = true;      // id="<prefix>seq-frame-<frame>"; false where another diagram has it
};

struct SequenceDiagram {
  std::string id_prefix;       // before every id and link ("c2-" for a run's second capture)
  std::uint32_t procedure = 0;
  std::string client, server;  // endpoints
  std::vector<SequenceArrow> arrows;
  std::uint64_t omitted = 0;   // messages past the per-diagram limit
};

// Where the rows of a diagram go: the y of each arrow and the height of the drawing.
// An arrow with completion markers or more than two findings takes more room.
struct SequenceLayout {
  static constexpr int kWidth = 900, kClientX = 210, kServerX = 590, kTop = 40, kRow = 38, kMarkerRow = 16;
  std::vector<int> arrow_y;
  int height = 0;
};
SequenceLayout layout_sequence(const SequenceDiagram& d);
// Appends <svg class="sequence" ...>...</svg>.
void append_sequence_svg(std::string& out, const SequenceDiagram& d);

// A timeline: per peer, which context it protected its messages with, and when.
enum class TimelineKind : std::uint8_t { Keys, IdUpdate, KudosTemp, KudosNew, IdContext };
struct TimelineSegment {
  std::int64_t start_us = 0, end_us = 0;
  std::uint64_t first_frame = 0, last_frame = 0, messages = 0;
  std::string context;      // its name
  std::string origin;       // "keys", "id-update #1", ...
  TimelineKind kind = TimelineKind::Keys;
};
struct TimelineMove {
  std::int64_t time_us = 0;
  std::uint64_t frame = 0;
  std::string to;           // the new endpoint
};
struct TimelineLane {
  std::string label;        // "client", "server"
  std::vector<TimelineSegment> segments;
  std::vector<TimelineMove> moves;
  std::uint64_t dropped = 0;  // segments past the per-lane limit
};
struct Timeline {
  std::int64_t start_us = 0, end_us = 0;
  std::vector<TimelineLane> lanes;
};
// The x of a time on a timeline drawn `width` wide between its start and end (the left
// margin included); a timeline of one instant puts everything at the left.
int timeline_x(const Timeline& t, std::int64_t time_us, int width);
// Appends <svg class="timeline" ...>...</svg>.
void append_timeline_svg(std::string& out, const Timeline& t);

// The observer's identities and the links it can make between them; with keys, the real
// changes (red: linked, green: not; dotted where the observer has no link at all).
struct GraphNode {
  std::uint32_t id = 0;
  std::string kid, server, frames;  // "kid 01", "203.0.113.1:5683", "frames 1-12"
};
enum class ChangeMark : std::uint8_t { None, Linked, Unlinked };
struct GraphEdge {
  std::uint32_t from = 0, to = 0;
  std::string evidence;   // "piv-continues, timing"
  bool hard = false;
  bool observed = true;   // false: a change without any observer link
  ChangeMark change = ChangeMark::None;
};
// Appends <svg class="identities" ...>...</svg>; nodes in order, edges by node id.
void append_identity_svg(std::string& out, const std::vector<GraphNode>& nodes, const std::vector<GraphEdge>& edges);

}  // namespace oidu
