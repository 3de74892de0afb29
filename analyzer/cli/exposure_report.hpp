// `oscore-idu exposure` output: the observer's identities and links, and with keys the
// changes measured against them, as JSON (one document), JSON lines, text or Graphviz dot.
#pragma once
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "exposure/truth.hpp"

namespace oidu {

// What one capture gave; `truth` only when keys were given.
struct ExposureResult {
  std::string file;
  const exposure::Observer* observer = nullptr;
  const exposure::Truth* truth = nullptr;
};

nlohmann::ordered_json exposure_json(const ExposureResult& r);
// One object per line: identity, link, change, false-link, finding, summary (each with "type").
void write_exposure_jsonl(std::ostream& out, const ExposureResult& r);
void write_exposure_text(std::ostream& out, const ExposureResult& r);
void write_exposure_dot(std::ostream& out, const ExposureResult& r);

// The number of changes an observer could link (for the exit status).
std::size_t linked_changes(const ExposureResult& r);

}  // namespace oidu
