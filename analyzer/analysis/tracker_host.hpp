// What the procedure trackers ask of the engine: findings, new contexts in the lineage,
// procedure numbers, finished procedures, and a word when a KUDOS execution succeeds.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/association.hpp"
#include "analysis/finding_reporter.hpp"

namespace oidu {

class TrackerHost : public FindingReporter {
 public:
  // A context derived on the way (CTX_B, CTX_TEMP, CTX_NEW) from `parent`, added to
  // `assoc`'s lineage and reported like every other context.
  virtual ContextSlot& add_context(Association& assoc, std::string name, ContextKind kind,
                                   std::shared_ptr<SecurityContext> context, Bytes client_id,
                                   Bytes server_id, std::uint32_t procedure, const ContextSlot& parent) = 0;
  // Procedures are numbered in the order they start, ID updates and KUDOS together.
  virtual std::uint32_t new_procedure_id() = 0;
  virtual void procedure_ended(const ProcedureRecord& record) = 0;
  // A KUDOS execution succeeded with `ctx_new` (an integrated ID update lands on it).
  virtual void kudos_succeeded(Association& assoc, ContextSlot& ctx_new) = 0;

 protected:
  ~TrackerHost() = default;
};

// The parts of a ProcedureRecord that ID update and KUDOS share.
ProcedureRecord procedure_record(std::uint32_t id, ProcedureType type, Role initiator,
                                 Outcome outcome, ProcedureMode mode, const ContextSlot* ctx_old,
                                 const std::vector<std::uint64_t>& frames,
                                 const std::array<Endpoint, 2>& endpoints);

}  // namespace oidu
