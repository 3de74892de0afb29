// The finding codes: a stable contract with users' CI pipelines and filters (like
// Suricata's event codes). One table gives each code its name, severity, expert group
// and text; the engine reports codes, the front ends name them through this table.
// Codes are never renamed or reused; new ones are appended.
#pragma once
#include <optional>
#include <span>
#include <string_view>

#include "analysis/records.hpp"

namespace oidu {

// What kind of trouble a finding is, as a Wireshark expert group says it: linkability
// and key hygiene are security, rule breaking is protocol, ended procedures are
// sequence, verification failures are decryption.
enum class FindingGroup { Protocol, Security, Sequence, Decryption };

struct FindingSpec {
  FindingCode code;
  const char* name;  // the stable code as users see it: "RID_REUSED"
  Severity severity;
  FindingGroup group;
  const char* when;  // one line, as in the README's catalogue
};

// In FindingCode order: finding_catalogue()[static_cast<size_t>(code)].code == code.
std::span<const FindingSpec> finding_catalogue();
const FindingSpec& finding_spec(FindingCode code);
inline const char* finding_name(FindingCode code) { return finding_spec(code).name; }
// The code of a name ("RID_REUSED"), for reading names back (tests, filters).
std::optional<FindingCode> finding_code(std::string_view name);

}  // namespace oidu
