// The HTML report's CSS and JavaScript as raw strings (system fonts only: no web fonts,
// no imports, nothing to fetch).
#include "cli/html_style.hpp"

namespace oidu {

const std::string_view kHtmlStyle = R"css(
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1180px;
       padding: 0 16px 48px; color: #1d232b; background: #fff; }
h1 { font-size: 22px; margin: 20px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d6dbe1; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 4px; }
code, td.mono, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #d6dbe1; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f1f3f6; }
td.nowrap { white-space: nowrap; }
tr:target, tr:target td { background: #fff3bf; }
.counts td:nth-child(2), .summary td { text-align: right; }
.note { color: #5c6670; font-style: italic; }
p.note { margin: 4px 0; }
.sev-error { color: #c0262d; font-weight: 600; }
.sev-warning { color: #9a6400; font-weight: 600; }
.sev-info { color: #19718a; }
.outcome-success { color: #207a39; font-weight: 600; }
.outcome-failure, .outcome-disagreement { color: #c0262d; font-weight: 600; }
.outcome-aborted, .outcome-incomplete { color: #9a6400; font-weight: 600; }
.filters { margin: 6px 0; }
.filters label { margin-right: 12px; }
.procedure { margin: 10px 0 22px; }
.procedure p { margin: 2px 0; }
svg { display: block; margin: 6px 0; background: #fbfcfd; border: 1px solid #e3e7eb; }
svg text { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; fill: #1d232b; }
svg text.lifeline-name { font-weight: 700; font-size: 13px; }
svg text.endpoint, svg text.head, svg text.axis, svg text.legend { fill: #5c6670; font-size: 11px; }
svg text.detail, svg text.role { fill: #4a545e; font-size: 11px; }
svg text.ctx { fill: #2d4f8a; font-size: 11px; }
svg text.frame { fill: #2d4f8a; }
svg text.complete { fill: #207a39; font-size: 11px; font-weight: 700; }
svg text.finding { font-size: 11px; }
svg text.finding.sev-error { fill: #c0262d; }
svg text.finding.sev-warning { fill: #9a6400; }
svg text.finding.sev-info { fill: #19718a; }
svg text.note { fill: #5c6670; font-size: 11px; }
svg line.lifeline { stroke: #8a949e; stroke-dasharray: 4 3; }
svg line.arrow { stroke: #1d232b; stroke-width: 1.4; }
svg polygon.arrow { fill: #1d232b; }
svg line.arrow.sev-error { stroke: #c0262d; stroke-width: 2; }
svg polygon.arrow.sev-error { fill: #c0262d; }
svg line.arrow.sev-warning { stroke: #c98a00; stroke-width: 2; }
svg polygon.arrow.sev-warning { fill: #c98a00; }
svg line.arrow.sev-info { stroke: #19718a; }
svg polygon.arrow.sev-info { fill: #19718a; }
svg g.msg:target text.label { fill: #c0262d; font-weight: 700; }
svg line.axis, svg line.track { stroke: #c4cad1; }
svg line.move { stroke: #7b2fa8; stroke-width: 2; }
svg text.move-label, svg text.moved { fill: #7b2fa8; font-size: 10px; }
svg text.lane { font-size: 11px; }
svg rect.ctx-keys { fill: #8aa4c8; }
svg rect.ctx-idu { fill: #5fb36b; }
svg rect.ctx-temp { fill: #f0b443; }
svg rect.ctx-new { fill: #d9653b; }
svg rect.ctx-idctx { fill: #9b7fd1; }
svg rect.node { fill: #fff; stroke: #5c6670; }
svg text.node-id { font-weight: 700; }
svg text.node-sub, svg text.edge-label { fill: #5c6670; font-size: 10px; }
svg line.edge { stroke: #8a949e; stroke-width: 1.4; }
svg polygon.edge { fill: #8a949e; }
svg line.edge.soft { stroke-dasharray: 5 4; }
svg line.edge.unobserved { stroke-dasharray: 2 3; }
svg line.edge.change-linked { stroke: #c0262d; stroke-width: 2.4; }
svg polygon.edge.change-linked { fill: #c0262d; }
svg line.edge.change-unlinked { stroke: #207a39; stroke-width: 2.4; }
svg polygon.edge.change-unlinked { fill: #207a39; }
)css";

// Fills each filter's choices from the rows' data attributes and hides the rows that do
// not match: the values live in the table once, not again in the script.
const std::string_view kHtmlScript = R"js(
"use strict";
document.querySelectorAll("div.filters").forEach(function (bar) {
  var table = document.getElementById(bar.dataset.table);
  if (!table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(bar.querySelectorAll("select"));
  var shown = bar.querySelector(".shown");
  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var match = selects.every(function (s) { return s.value === "*" || row.dataset[s.dataset.key] === s.value; });
      row.hidden = !match;
      if (match) count++;
    });
    shown.textContent = count + " of " + rows.length + " messages shown";
  }
  selects.forEach(function (select) {
    var seen = {};
    rows.forEach(function (row) { seen[row.dataset[select.dataset.key]] = true; });
    Object.keys(seen).sort(function (a, b) { return a.localeCompare(b, undefined, {numeric: true}); })
      .forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value === "" ? "(none)" : value;
        select.appendChild(option);
      });
    select.addEventListener("change", apply);
  });
  apply();
});
)js";

}  // namespace oidu
