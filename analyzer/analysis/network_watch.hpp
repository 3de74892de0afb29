// What an on-path observer could use to link the old IDs to the new ones: the watch keeps
// each association's recent network history and, per switch to new IDs, compares it with
// the first messages under the new IDs (NEW_ID_ON_OLD_NETWORK, PIV_NOT_RESET, ...).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/finding_reporter.hpp"
#include "analysis/observed.hpp"
#include "analysis/sparse_table.hpp"

namespace oidu {

class NetworkWatch {
 public:
  // A message under any context of `m.assoc`: checks it against every open switch and,
  // while it is under the old IDs, adds it to their history.
  void observe(const Observed& m, FindingReporter& findings);
  // An ID update made CTX_B (`new_slot`) from `old_slot`: from now on the new IDs can be
  // used, prematurely or not; watch them, starting from what the old IDs showed so far.
  void start_switch(const Association& assoc, std::uint32_t procedure, const ContextSlot* old_slot,
                    const ContextSlot* new_slot);
  // The procedure failed: its new IDs will not be used.
  void end_switch(const Association& assoc, std::uint32_t procedure);
  // Starts loading what observe() reads for this association (group prefetch).
  void prefetch(const Association& assoc) const;

 private:
  // What one peer showed on the network under the IDs in use before a switch.
  struct PeerTraffic {
    std::optional<IpAddress> ip;
    std::optional<MacAddress> mac;
    std::optional<std::uint64_t> last_piv;
    std::optional<std::uint16_t> last_mid;
    std::optional<Bytes> kid_context;     // last kid context it sent in clear
  };
  // One switch from old IDs (CTX_A) to new IDs (CTX_B).
  struct Switch {
    std::uint32_t procedure = 0;
    const ContextSlot* old_slot = nullptr;
    const ContextSlot* new_slot = nullptr;
    std::set<std::pair<IpAddress, IpAddress>> old_pairs, new_pairs;
    std::array<PeerTraffic, 2> before;
    std::array<bool, 2> seen_new{false, false};
    std::array<bool, 2> seen_new_mid{false, false};
    std::set<std::uint64_t> old_tokens;   // fingerprints of tokens used under the old IDs
    bool switched = false;
    std::set<std::string> reported;       // "<code>/<detail>": each leak once
  };
  // Network history of an association's current IDs, bounded.
  struct History {
    std::array<PeerTraffic, 2> traffic;
    std::set<std::pair<IpAddress, IpAddress>> pairs;
    // Fingerprints of the latest tokens: a fixed ring, so the cost per association is
    // the same however long it talks.
    std::array<std::uint64_t, 16> recent_tokens{};
    std::size_t next_token = 0;
    std::vector<std::unique_ptr<Switch>> switches;
  };
  History& of(const Association& assoc);
  static void remember(PeerTraffic& t, const Observed& m);

  SparseTable<History> by_association_;
};

}  // namespace oidu
