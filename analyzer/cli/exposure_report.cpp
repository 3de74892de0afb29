// The exposure report's JSON field names are a contract (README, "Observer view"); the text
// and dot forms are made from the same JSON objects, so the four never disagree.
#include "cli/exposure_report.hpp"

#include <cstdio>
#include <map>

namespace oidu {
namespace {

using ordered_json = nlohmann::ordered_json;
using exposure::Evidence;

std::string id_name(std::uint32_t id) { return "I" + std::to_string(id); }

ordered_json evidence_json(const exposure::EvidenceSet& set) {
  ordered_json out = ordered_json::array();
  for (Evidence e : set.kinds()) out.push_back(std::string(exposure::evidence_info(e).name));
  return out;
}

ordered_json identity_json(const exposure::Identity& i) {
  ordered_json j;
  j["id"] = id_name(i.id);
  j["kid"] = to_hex(i.kid);
  j["kid_context"] = i.kid_context ? ordered_json(to_hex(*i.kid_context)) : ordered_json(nullptr);
  j["server"] = i.server.to_string();
  ordered_json clients = ordered_json::array();
  for (const auto& c : i.clients) clients.push_back(c.to_string());
  j["clients"] = std::move(clients);
  ordered_json macs = ordered_json::array();
  for (const auto& m : i.macs) macs.push_back(mac_to_string(m));
  j["macs"] = std::move(macs);
  j["first_frame"] = i.first_frame;
  j["last_frame"] = i.last_frame;
  j["messages"] = i.messages;
  j["piv_range"] = i.piv_min ? ordered_json::array({*i.piv_min, *i.piv_max}) : ordered_json(nullptr);
  return j;
}

ordered_json link_json(const exposure::Link& l) {
  ordered_json j;
  j["from"] = id_name(l.from);
  j["to"] = id_name(l.to);
  j["evidence"] = evidence_json(l.evidence);
  j["hard"] = l.evidence.hard();
  j["frame"] = l.frame;
  if (l.evidence.has(Evidence::Timing)) j["anonymity_set"] = l.anonymity_set;
  return j;
}

ordered_json change_json(const exposure::Change& c) {
  ordered_json j;
  j["procedure"] = c.procedure;
  j["old"] = c.old_identity ? ordered_json(id_name(c.old_identity)) : ordered_json(nullptr);
  j["new"] = c.new_identity ? ordered_json(id_name(c.new_identity)) : ordered_json(nullptr);
  j["old_kid"] = to_hex(c.old_kid);
  j["new_kid"] = to_hex(c.new_kid);
  j["verdict"] = exposure::verdict_name(c.verdict);
  j["evidence"] = evidence_json(c.evidence);
  if (c.frame) j["frame"] = c.frame;
  if (c.evidence.has(Evidence::Timing)) j["anonymity_set"] = c.anonymity_set;
  return j;
}

// A linked change is a finding: the observer ties the peer's old identity to its new one.
ordered_json finding_json(const exposure::Change& c) {
  std::string kinds;
  for (Evidence e : c.evidence.kinds()) {
    if (!exposure::evidence_info(e).hard) continue;
    kinds += (kinds.empty() ? "" : ", ") + std::string(exposure::evidence_info(e).name);
  }
  ordered_json j;
  j["code"] = "ID_CHANGE_LINKABLE";
  j["severity"] = "warning";
  j["frame"] = c.frame;
  j["procedure"] = c.procedure;
  j["message"] = "an observer without keys links kid " + to_hex(c.old_kid) + " to kid " + to_hex(c.new_kid) +
                 " by " + kinds;
  return j;
}

struct Counts {
  std::size_t changes = 0, linked = 0, unlinked = 0, not_observed = 0, false_links = 0;
};

Counts counts(const ExposureResult& r) {
  Counts n;
  if (!r.truth) return n;
  for (const auto& c : r.truth->changes()) {
    ++n.changes;
    if (c.verdict == exposure::Verdict::Linked) ++n.linked;
    if (c.verdict == exposure::Verdict::Unlinked) ++n.unlinked;
    if (c.verdict == exposure::Verdict::NotObserved) ++n.not_observed;
  }
  n.false_links = r.truth->false_links().size();
  return n;
}

ordered_json summary_json(const ExposureResult& r) {
  ordered_json s;
  s["identities"] = r.observer->identities().size();
  s["links"] = r.observer->links().size();
  std::size_t hard = 0;
  for (const auto& l : r.observer->links()) hard += l.evidence.hard() ? 1 : 0;
  s["hard_links"] = hard;
  if (r.truth) {
    const Counts n = counts(r);
    s["changes"] = n.changes;
    s["linked"] = n.linked;
    s["unlinked"] = n.unlinked;
    s["not_observed"] = n.not_observed;
    s["false_links"] = n.false_links;
  }
  return s;
}

}  // namespace

std::size_t linked_changes(const ExposureResult& r) { return counts(r).linked; }

ordered_json exposure_json(const ExposureResult& r) {
  ordered_json doc;
  doc["file"] = r.file;
  ordered_json identities = ordered_json::array();
  for (const auto& i : r.observer->identities()) identities.push_back(identity_json(i));
  doc["identities"] = std::move(identities);
  ordered_json links = ordered_json::array();
  for (const auto& l : r.observer->links()) links.push_back(link_json(l));
  doc["links"] = std::move(links);
  if (r.truth) {
    ordered_json changes = ordered_json::array(), false_links = ordered_json::array(),
                 findings = ordered_json::array();
    for (const auto& c : r.truth->changes()) {
      changes.push_back(change_json(c));
      if (c.verdict == exposure::Verdict::Linked) findings.push_back(finding_json(c));
    }
    for (const auto& l : r.truth->false_links()) false_links.push_back(link_json(l));
    doc["changes"] = std::move(changes);
    doc["false_links"] = std::move(false_links);
    doc["findings"] = std::move(findings);
  }
  doc["summary"] = summary_json(r);
  return doc;
}

void write_exposure_jsonl(std::ostream& out, const ExposureResult& r) {
  const auto line = [&](const char* type, ordered_json body) {
    ordered_json j;
    j["type"] = type;
    j["file"] = r.file;
    for (auto& [k, v] : body.items()) j[k] = v;
    out << j.dump() << '\n';
  };
  for (const auto& i : r.observer->identities()) line("identity", identity_json(i));
  for (const auto& l : r.observer->links()) line("link", link_json(l));
  if (r.truth) {
    for (const auto& c : r.truth->changes()) {
      line("change", change_json(c));
      if (c.verdict == exposure::Verdict::Linked) line("finding", finding_json(c));
    }
    for (const auto& l : r.truth->false_links()) line("false-link", link_json(l));
  }
  line("summary", summary_json(r));
}

void write_exposure_text(std::ostream& out, const ExposureResult& r) {
  const ordered_json doc = exposure_json(r);
  out << r.file << ": " << doc["identities"].size() << " identities, " << doc["links"].size()
      << " links an observer without keys can make\n";
  out << "\nIdentities (kid, kid context, server):\n";
  for (const auto& i : doc["identities"]) {
    char head[160];
    std::snprintf(head, sizeof head, "  %-5s kid %-10s ", i["id"].get<std::string>().c_str(),
                  i["kid"].get<std::string>().empty() ? "''" : i["kid"].get<std::string>().c_str());
    out << head << "ctx " << (i["kid_context"].is_null() ? "-" : i["kid_context"].get<std::string>())
        << "  server " << i["server"].get<std::string>() << "  frames " << i["first_frame"] << "-"
        << i["last_frame"] << "  " << i["messages"] << (i["messages"] == 1 ? " message" : " messages");
    if (!i["clients"].empty()) out << "  from " << i["clients"][0].get<std::string>();
    if (i["clients"].size() > 1) out << " (+" << i["clients"].size() - 1 << ")";
    out << "\n";
  }
  out << "\nLinks:\n";
  if (doc["links"].empty()) out << "  none\n";
  for (const auto& l : doc["links"]) {
    out << "  " << l["from"].get<std::string>() << " -> " << l["to"].get<std::string>() << "  "
        << (l["hard"].get<bool>() ? "hard " : "weak ") << " frame " << l["frame"] << "  ";
    std::string kinds;
    for (const auto& e : l["evidence"]) kinds += (kinds.empty() ? "" : ", ") + e.get<std::string>();
    out << kinds;
    if (l.contains("anonymity_set")) out << " (anonymity set " << l["anonymity_set"] << ")";
    out << "\n";
  }
  if (doc.contains("changes")) {
    out << "\nIdentity changes the keys show (ID update procedures that succeeded):\n";
    if (doc["changes"].empty()) out << "  none\n";
    for (const auto& c : doc["changes"]) {
      out << "  procedure #" << c["procedure"] << "  kid " << c["old_kid"].get<std::string>() << " -> "
          << c["new_kid"].get<std::string>() << "  " << c["verdict"].get<std::string>();
      std::string kinds;
      for (const auto& e : c["evidence"]) kinds += (kinds.empty() ? "" : ", ") + e.get<std::string>();
      if (!kinds.empty()) out << " (" << kinds << ")";
      if (c.contains("anonymity_set")) out << ", anonymity set " << c["anonymity_set"];
      out << "\n";
    }
    if (!doc["false_links"].empty()) {
      out << "\nFalse links (identities of different peers):\n";
      for (const auto& l : doc["false_links"]) {
        out << "  " << l["from"].get<std::string>() << " -> " << l["to"].get<std::string>() << "\n";
      }
    }
  }
  const auto& s = doc["summary"];
  out << "\nSummary: " << s["identities"] << " identities, " << s["links"] << " links (" << s["hard_links"]
      << " hard)";
  if (s.contains("changes")) {
    out << ", " << s["changes"] << " changes: " << s["linked"] << " linked, " << s["unlinked"] << " unlinked, "
        << s["not_observed"] << " not observed; " << s["false_links"] << " false links";
  }
  out << "\n";
}

void write_exposure_dot(std::ostream& out, const ExposureResult& r) {
  const ordered_json doc = exposure_json(r);
  out << "digraph exposure {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto& i : doc["identities"]) {
    out << "  " << i["id"].get<std::string>() << " [label=\"" << i["id"].get<std::string>() << "\\nkid "
        << (i["kid"].get<std::string>().empty() ? "''" : i["kid"].get<std::string>()) << "\\n"
        << i["server"].get<std::string>() << "\\nframes " << i["first_frame"] << "-" << i["last_frame"]
        << "\"];\n";
  }
  // Changes the keys show: red when the observer links them, green when not.
  std::map<std::pair<std::string, std::string>, std::string> change_colour;
  if (r.truth) {
    for (const auto& c : r.truth->changes()) {
      if (c.old_identity == 0 || c.new_identity == 0) continue;
      change_colour[{id_name(c.old_identity), id_name(c.new_identity)}] =
          c.verdict == exposure::Verdict::Linked ? "red" : "darkgreen";
    }
  }
  for (const auto& l : doc["links"]) {
    std::string kinds;
    for (const auto& e : l["evidence"]) kinds += (kinds.empty() ? "" : "\\n") + e.get<std::string>();
    const auto key = std::make_pair(l["from"].get<std::string>(), l["to"].get<std::string>());
    const auto colour = change_colour.find(key);
    out << "  " << key.first << " -> " << key.second << " [label=\"" << kinds << "\", style="
        << (l["hard"].get<bool>() ? "solid" : "dashed")
        << (colour != change_colour.end() ? ", color=" + colour->second + ", penwidth=2" : "") << "];\n";
    if (colour != change_colour.end()) change_colour.erase(colour);
  }
  // A change with no observer link at all: drawn dotted, the link nobody can make.
  for (const auto& [key, colour] : change_colour) {
    out << "  " << key.first << " -> " << key.second << " [label=\"ID update\\n(unlinked)\", style=dotted, color="
        << colour << "];\n";
  }
  out << "}\n";
}

}  // namespace oidu
