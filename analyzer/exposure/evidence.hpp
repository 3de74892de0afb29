// The kinds of evidence that tie two OSCORE identities together for a passive observer:
// one table gives each kind its stable name and says whether it is hard evidence (a fact
// of the traffic) or circumstantial (timing).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace oidu::exposure {

enum class Evidence : std::uint8_t {
  SameAddressPair,     // the new kid between the IP addresses the old one used
  SameMac,             // the new kid sent from a MAC the old one was sent from
  PivContinues,        // the new kid's first Partial IV continues the old sequence
  MidContinues,        // the new kid's first Message ID continues the old sequence
  TokenReused,         // a token of the old kid's requests, again under the new kid
  IdContextInClear,    // the same kid context in clear before and after
  KudosNonceLinkable,  // the old kid's last exchange was a KUDOS run in clear, just before
  Timing,              // the old kid went quiet and the new one started within the window
};

struct EvidenceInfo {
  Evidence kind;
  std::string_view name;   // the JSON contract: never renamed
  bool hard;
};

inline constexpr std::array<EvidenceInfo, 8> kEvidence{{
    {Evidence::SameAddressPair, "same-address-pair", true},
    {Evidence::SameMac, "same-mac", true},
    {Evidence::PivContinues, "piv-continues", true},
    {Evidence::MidContinues, "mid-continues", true},
    {Evidence::TokenReused, "token-reused", true},
    {Evidence::IdContextInClear, "id-context-in-clear", true},
    {Evidence::KudosNonceLinkable, "kudos-nonce-linkable", false},
    {Evidence::Timing, "timing", false},
}};

inline const EvidenceInfo& evidence_info(Evidence e) { return kEvidence[static_cast<std::size_t>(e)]; }

// A set of evidence kinds, iterated in the table's order.
class EvidenceSet {
 public:
  void add(Evidence e) { bits_ |= bit(e); }
  void remove(Evidence e) { bits_ &= static_cast<std::uint16_t>(~bit(e)); }
  bool has(Evidence e) const { return (bits_ & bit(e)) != 0; }
  bool empty() const { return bits_ == 0; }
  bool hard() const {
    for (const auto& info : kEvidence) {
      if (info.hard && has(info.kind)) return true;
    }
    return false;
  }
  std::vector<Evidence> kinds() const {
    std::vector<Evidence> out;
    for (const auto& info : kEvidence) {
      if (has(info.kind)) out.push_back(info.kind);
    }
    return out;
  }
  bool operator==(const EvidenceSet&) const = default;

 private:
  static std::uint16_t bit(Evidence e) { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(e)); }
  std::uint16_t bits_ = 0;
};

}  // namespace oidu::exposure
