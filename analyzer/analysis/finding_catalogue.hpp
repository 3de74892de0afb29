// The finding codes: a stable contract with users' CI pipelines and filters (like
// Suricata's event codes). Codes are never renamed or reused; new ones are appended.
#pragma once
#include <span>
#include <string_view>

#include "analysis/records.hpp"

namespace oidu {

struct FindingSpec {
  const char* code;
  Severity severity;
  const char* when;  // one line, as in the README's catalogue
};

std::span<const FindingSpec> finding_catalogue();
// nullptr for an unknown code.
const FindingSpec* finding_spec(std::string_view code);

}  // namespace oidu
