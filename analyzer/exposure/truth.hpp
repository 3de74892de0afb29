// With keys, the truth the observer is measured against: the identity changes that really
// happened (ID update procedures that succeeded, stand-alone or inside KUDOS), whether the
// observer could link each, and which of its links joined identities of different peers.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/records.hpp"
#include "exposure/observer.hpp"

namespace oidu::exposure {

enum class Verdict : std::uint8_t {
  Linked,       // hard evidence ties the old identity to the new one
  Unlinked,     // no hard evidence (timing alone may still point at it: see the change)
  NotObserved,  // the new identity never showed in the capture
};
const char* verdict_name(Verdict v);  // "linked", "unlinked", "not-observed"

struct Change {
  std::uint32_t procedure = 0;
  Bytes old_kid, new_kid;
  std::uint32_t old_identity = 0, new_identity = 0;  // 0: not seen
  Verdict verdict = Verdict::NotObserved;
  EvidenceSet evidence;            // all the observer had, timing included
  std::uint64_t frame = 0;         // the frame that first shows the evidence
  std::uint32_t anonymity_set = 0; // with timing evidence
};

class Truth {
 public:
  // A message the observer attributed to `identity` (0: none).
  void on_message(std::uint32_t identity, const MessageRecord& m);
  void on_procedure(const ProcedureRecord& p);
  // After the observer's finish().
  void finish(const Observer& observer);

  const std::vector<Change>& changes() const { return changes_; }
  // Observer links between identities that belong to different peers.
  const std::vector<Link>& false_links() const { return false_links_; }

 private:
  std::uint32_t peer_of(std::uint32_t identity);
  void join(std::uint32_t a, std::uint32_t b);

  struct PendingChange {
    std::uint32_t procedure;
    Bytes old_kid, new_kid;
    Endpoint server;
    std::uint64_t first_frame;
  };
  std::vector<PendingChange> pending_;
  // Identities whose messages one context opened belong to one peer pair.
  std::map<std::string, std::uint32_t> context_identity_;
  std::map<std::uint32_t, std::uint32_t> parent_;   // union-find over identities with truth
  std::vector<Change> changes_;
  std::vector<Link> false_links_;
};

}  // namespace oidu::exposure
