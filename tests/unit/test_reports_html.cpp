// The HTML report's helpers: the one escaping function, the sequence diagram's layout and
// markup (ids, links, escaped labels) that the report's anchors rely on, and the report's
// limits (diagrams, message rows) and secrets on records no shipped capture has.
#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>

#include "cli/html_escape.hpp"
#include "cli/html_report.hpp"
#include "cli/html_svg.hpp"

namespace oidu {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HtmlEscape, MarkupCharactersBecomeReferences) {
  EXPECT_EQ(html_escaped("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escaped("plain text 42"), "plain text 42");
}

TEST(HtmlEscape, KeepsUtf8AndReplacesWhatIsNotText) {
  EXPECT_EQ(html_escaped("caf\xc3\xa9 \xe2\x86\x92"), "caf\xc3\xa9 \xe2\x86\x92");
  EXPECT_EQ(html_escaped("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(html_escaped("\xc3"), "\xef\xbf\xbd");  // cut sequence
  EXPECT_EQ(html_escaped("a\x01\x1b[31mb\x7f"), "a\xef\xbf\xbd\xef\xbf\xbd[31mb\xef\xbf\xbd");
  EXPECT_EQ(html_escaped("tab\tline\n"), "tab\tline\n");
}

TEST(HtmlEscape, AppendsAfterWhatIsThere) {
  std::string out = "<td>";
  append_html_escaped(out, "1 < 2");
  EXPECT_EQ(out, "<td>1 &lt; 2");
}

SequenceArrow arrow(std::uint64_t frame, bool to_server, std::string label, std::string context) {
  SequenceArrow a;
  a.frame = frame;
  a.to_server = to_server;
  a.label = std::move(label);
  a.context = std::move(context);
  return a;
}

SequenceDiagram three_messages() {
  SequenceDiagram d;
  d.procedure = 7;
  d.client = "10.0.0.1:40000";
  d.server = "10.0.0.2:5683";
  d.arrows.push_back(arrow(3, true, "GET <script>", "keys"));
  d.arrows.back().detail = "RID=42";
  d.arrows.back().role = "offer";
  d.arrows.push_back(arrow(4, false, "2.05 Content", "keys"));
  d.arrows.back().findings = {{"ACK_MISMATCH", "error", 2}};
  d.arrows.back().client_completes = true;
  d.arrows.back().in_table = true;
  d.arrows.push_back(arrow(9, true, "GET", "id-update #7"));
  return d;
}

TEST(HtmlSequence, RowsGoDownAndCompletionsTakeRoom) {
  const SequenceDiagram d = three_messages();
  const SequenceLayout layout = layout_sequence(d);
  ASSERT_EQ(layout.arrow_y.size(), 3u);
  EXPECT_EQ(layout.arrow_y[0], SequenceLayout::kTop + SequenceLayout::kRow);
  EXPECT_EQ(layout.arrow_y[1] - layout.arrow_y[0], SequenceLayout::kRow);
  EXPECT_EQ(layout.arrow_y[2] - layout.arrow_y[1], SequenceLayout::kRow + SequenceLayout::kMarkerRow);
  EXPECT_GE(layout.height, layout.arrow_y[2] + SequenceLayout::kRow);

  SequenceDiagram more = d;
  more.omitted = 5;
  EXPECT_EQ(layout_sequence(more).height, layout.height + SequenceLayout::kMarkerRow);
}

TEST(HtmlSequence, MarkupHasAnchorsLinksAndEscapedText) {
  SequenceDiagram d = three_messages();
  d.id_prefix = "c2-";
  std::string svg;
  append_sequence_svg(svg, d);
  EXPECT_EQ(svg.rfind("<svg class=\"sequence\" id=\"c2-seq-7\"", 0), 0u);
  EXPECT_EQ(count(svg, "<g class=\"msg\""), 3u);
  EXPECT_EQ(count(svg, "id=\"c2-seq-frame-"), 3u);
  EXPECT_NE(svg.find("href=\"#c2-finding-2\""), std::string::npos);
  EXPECT_NE(svg.find("href=\"#c2-frame-4\""), std::string::npos);
  EXPECT_EQ(svg.find("href=\"#c2-frame-3\""), std::string::npos);  // not in the table
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("GET &lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("client completes"), std::string::npos);
  EXPECT_NE(svg.find("class=\"arrow sev-error\""), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");

  d.arrows[1].anchored = false;
  svg.clear();
  append_sequence_svg(svg, d);
  EXPECT_EQ(count(svg, "id=\"c2-seq-frame-"), 2u);
}

TEST(HtmlTimeline, TimesScaleBetweenTheMargins) {
  Timeline t{1'000'000, 3'000'000, {}};
  EXPECT_EQ(timeline_x(t, 1'000'000, 900), 90);
  EXPECT_EQ(timeline_x(t, 3'000'000, 900), 880);
  EXPECT_EQ(timeline_x(t, 2'000'000, 900), 485);
  EXPECT_EQ(timeline_x(t, 9'000'000, 900), 880);  // clamped
  Timeline instant{5, 5, {}};
  EXPECT_EQ(timeline_x(instant, 5, 900), 90);
}

MessageRecord decrypted_request(std::uint64_t frame, std::optional<std::uint32_t> procedure) {
  MessageRecord m;
  m.frame = frame;
  m.time_us = static_cast<std::int64_t>(frame) * 1000;
  m.kind = MessageKind::Request;
  m.oscore = true;
  m.status = DecryptStatus::Decrypted;
  m.context = "k";
  m.context_origin = ContextOrigin{};
  m.inner_code = 1;
  m.procedure = procedure;
  return m;
}

std::string report_of(HtmlReportOptions options, const std::function<void(HtmlReport&)>& feed) {
  std::ostringstream out;
  HtmlReport report(out, std::move(options));
  report.begin_capture("x.pcapng");
  feed(report);
  report.end_capture(Summary{});
  report.end();
  return out.str();
}

TEST(HtmlReport, DrawsTheFirstProceduresAndListsTheRest) {
  const std::string html = report_of({}, [](HtmlReport& r) {
    for (std::uint32_t id = 1; id <= kHtmlDiagrams + 7; ++id) {
      r.on_message(decrypted_request(id, id));
      ProcedureRecord p;
      p.id = id;
      p.frames = {id};
      r.on_procedure(p);
    }
  });
  EXPECT_EQ(count(html, "<svg class=\"sequence\""), kHtmlDiagrams);
  EXPECT_NE(html.find("7 more procedures listed without one"), std::string::npos);
  EXPECT_EQ(count(html, "<tr id=\"frame-"), kHtmlDiagrams + 7);
}

TEST(HtmlReport, SummarisesTheMessageTableAboveItsLimit) {
  const auto messages = [](std::size_t n) {
    return [n](HtmlReport& r) {
      for (std::size_t i = 1; i <= n; ++i) r.on_message(decrypted_request(i, std::nullopt));
    };
  };
  const std::string at_limit = report_of({}, messages(kHtmlMessageRows));
  EXPECT_EQ(count(at_limit, "<tr id=\"frame-"), kHtmlMessageRows);
  const std::string above = report_of({}, messages(kHtmlMessageRows + 1));
  EXPECT_EQ(count(above, "<tr id=\"frame-"), 0u);
  EXPECT_NE(above.find("more than the " + std::to_string(kHtmlMessageRows)), std::string::npos);
}

TEST(HtmlReport, SecretsOnlyWithShowKeys) {
  const auto context = [](HtmlReport& r) {
    ContextRecord c;
    c.name = "k<1>";
    c.master_secret = {0x5e, 0xc7, 0xe7, 0x5e, 0xc7, 0xe7};
    c.master_salt = {0x5a, 0x17, 0x5a, 0x17};
    r.on_context(c);
  };
  const std::string hidden = report_of({}, context);
  EXPECT_EQ(hidden.find("5ec7e75ec7e7"), std::string::npos);
  EXPECT_EQ(hidden.find("5a175a17"), std::string::npos);
  EXPECT_NE(hidden.find("k&lt;1&gt;"), std::string::npos);
  HtmlReportOptions show_keys;
  show_keys.show_keys = true;
  const std::string shown = report_of(show_keys, context);
  EXPECT_NE(shown.find("5ec7e75ec7e7"), std::string::npos);
  EXPECT_NE(shown.find("5a175a17"), std::string::npos);
}

}  // namespace
}  // namespace oidu
