// KUDOS (draft-ietf-core-oscore-key-update-14 section 4.3): the executions between each
// pair of peers, each peer's IDLE/BUSY/PENDING state, and the contexts they derive.
#pragma once
#include <memory>
#include <vector>

#include "analysis/observed.hpp"
#include "analysis/outcome_rules.hpp"
#include "analysis/tracker_host.hpp"

namespace oidu {

class KudosTracker {
 public:
  explicit KudosTracker(TrackerHost& host) : host_(host) {}

  // The execution running between the peers of `assoc`, or nullptr.
  const KudosExecution* running(const Association& assoc) const;
  // The slot of the CTX_TEMP or CTX_NEW (`is_new`) a message from `sender` was opened
  // with, starting an execution if none runs; a CTX_TEMP derived from this execution's
  // CTX_NEW ends it first (PENDING, 4.3.4).
  ContextSlot& context_for(Association& assoc, ContextSlot& base, Role sender, bool is_new,
                           std::shared_ptr<SecurityContext> context, KudosDerivation derivation,
                           const OscoreOption& option, const Frame& frame);
  // Every verified message of an association with a running execution.
  void observe(Observed& m, bool opened_with_temp, bool opened_with_new);
  // The capture ended.
  void finish(Association& assoc);

 private:
  static std::unique_ptr<KudosExecution>& slot_of(const Association& assoc) { return assoc.kudos_execution; }
  void end(Association& assoc, KudosEnd end);

  TrackerHost& host_;
};

}  // namespace oidu
