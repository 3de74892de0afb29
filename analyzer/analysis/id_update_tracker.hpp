// The ID update procedure (draft-ietf-core-oscore-id-update section 2) between each pair
// of peers: offers, acknowledgements, completion, failure, abort, and the rules on IDs.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/kudos_tracker.hpp"
#include "analysis/network_watch.hpp"
#include "analysis/observed.hpp"
#include "analysis/outcome_rules.hpp"
#include "analysis/record_queue.hpp"
#include "analysis/tracker_host.hpp"

namespace oidu {

class IdUpdateTracker {
 public:
  IdUpdateTracker(TrackerHost& host, NetworkWatch& network, const KudosTracker& kudos, RecordQueue& records,
                  const AnalyzerConfig& config)
      : host_(host), network_(network), kudos_(kudos), records_(records), config_(config) {}

  // Evidence that a peer lost its state (RFC 8613 B.1.2 Echo, B.2 re-derivation), which
  // rules out a stand-alone ID update until a KUDOS or a new context completes.
  void note_loss_of_state(Observed& m);
  void observe(Observed& m);
  // A KUDOS execution succeeded: an ID update integrated in it lands on its CTX_NEW.
  void kudos_succeeded(Association& assoc, ContextSlot& ctx_new);
  // True while an acknowledgement without an offer waits for the next message to say
  // what it is (AckWithoutOffer): records must wait in the queue meanwhile.
  bool undecided() const { return !undecided_.empty(); }
  // Decides every waiting acknowledgement now (as mismatches): the queue is full, or the
  // capture ended.
  void decide_all();
  // The capture ended at `frame` / `now_us`.
  void finish(Association& assoc, std::uint64_t frame, std::int64_t now_us);

 private:
  // Per association: the procedure under way, the one before, and an undecided ack.
  using State = IdUpdateState;
  static State& of(const Association& assoc);
  void check_timers(Association& assoc, std::uint64_t frame, std::int64_t now_us);
  void end(Association& assoc, IdUpdateEnd end, std::uint64_t frame);
  // The message after an acknowledgement without an offer decides; true when it only
  // repeats that acknowledgement.
  bool settle_ack_without_offer(Observed& m, const CoapOption* rid, const CoapOption* ack);
  void report_acks_without_offer(Association& assoc);
  ContextSlot& install_new_ids(Association& assoc, IdUpdateProcedure& p, ContextSlot& base);

  TrackerHost& host_;
  NetworkWatch& network_;
  const KudosTracker& kudos_;
  RecordQueue& records_;
  const AnalyzerConfig& config_;
  std::vector<Association*> undecided_;  // associations with an undecided acknowledgement
};

}  // namespace oidu
