// What an on-path observer could use to link the old IDs to the new ones: the watch keeps
// each association's recent network history and, per switch to new IDs, compares it with
// the first messages under the new IDs (NEW_ID_ON_OLD_NETWORK, PIV_NOT_RESET, ...).
#pragma once
#include <cstdint>

#include "analysis/finding_reporter.hpp"
#include "analysis/network_history.hpp"
#include "analysis/observed.hpp"

namespace oidu {

class NetworkWatch {
 public:
  // A message under any context of `m.assoc`: checks it against every open switch and,
  // while it is under the old IDs, adds it to their history.
  void observe(const Observed& m, FindingReporter& findings);
  // An ID update made CTX_B (`new_slot`) from `old_slot`: from now on the new IDs can be
  // used, prematurely or not; watch them, starting from what the old IDs showed so far,
  // until a later switch of the association has its own new IDs in use.
  void start_switch(const Association& assoc, std::uint32_t procedure, const ContextSlot* old_slot,
                    const ContextSlot* new_slot);
  // The procedure failed: its new IDs will not be used.
  void end_switch(const Association& assoc, std::uint32_t procedure);

 private:
  using PeerTraffic = NetworkPeerTraffic;
  using Switch = NetworkSwitch;
  using History = NetworkHistory;
  static History& of(const Association& assoc);
  static void remember(PeerTraffic& t, const Observed& m);
};

}  // namespace oidu
