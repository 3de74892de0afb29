// The drafts' completion and failure conditions, in one place: when an acknowledgement
// counts, when a peer has completed an ID update, and which outcome a procedure ends with.
// The README's "How the engine decides" states the same rules; change both together.
#pragma once
#include <cstdint>
#include <optional>

#include "analysis/association.hpp"

namespace oidu {

// ID update (draft-ietf-core-oscore-id-update-06 section 2.1.1). A Recipient-ID-Ack
// counts towards its receiver's completion only when its value is the Recipient ID that
// receiver offered: "at least three messages ... containing the Recipient-ID-Ack Option"
// confirm an offer only if they acknowledge that offer.
bool acknowledgement_counts(const IdUpdatePeer& receiver, ByteView acknowledged);

// Successful Confirmation: received and verified at least three messages with
// Recipient-ID-Ack (counted as above) and sent at least two. Integrated in KUDOS, one
// request/response pair carrying both offers is enough (section 3).
bool id_update_peer_completed(const IdUpdateProcedure& p, const IdUpdatePeer& peer);

// The peers agree on CTX_B when each one's acknowledgement names the other's offer; a
// peer that acknowledged nothing agrees with whatever was offered to it.
bool peers_agree_on_ctx_b(const IdUpdateProcedure& p);

// Why an ID update stops being followed.
enum class IdUpdateEnd {
  BothCompleted,   // both completion conditions held
  ErrorResponse,   // a protected 5.03 answered an ID update request (section 2.2)
  Expired,         // ENDING_TIMER, or the ending counter, ran out before both completed
  CaptureEnded,    // the capture ends first
};
// Both completed: success. A 5.03: aborted. Otherwise, if one peer completed on an
// acknowledgement of an ID the other never offered, the peers hold different CTX_B:
// disagreement. Else expiry is a failure and the end of the capture leaves it incomplete.
Outcome id_update_outcome(const IdUpdateProcedure& p, IdUpdateEnd end);

// The ENDING_TIMER, or with `ending_counter` > 0 the counter-based variant: a peer that
// sent more than that many messages in the procedure without completing.
bool id_update_expired(const IdUpdateProcedure& p, std::int64_t now_us, double ending_timer_s,
                       unsigned ending_counter);

// KUDOS (draft-ietf-core-oscore-key-update-14 section 4.3). A peer completes when it
// leaves BUSY or PENDING for IDLE on a verified message: a convergent message answering its
// divergent one, or key confirmation (a non-KUDOS message under CTX_NEW) of its convergent
// one; a divergent message protected with a CTX_TEMP derived from this execution's CTX_NEW
// shows that both peers reached CTX_NEW (4.3.4, PENDING).
enum class KudosEnd {
  BothCompleted,      // both peers are IDLE again with CTX_NEW
  NextExecution,      // a new execution starts from this one's CTX_NEW
  Declined,           // a plain answer to a divergent request: the other peer did not take part
  CaptureEnded,       // the capture ends first
};
// Completed or followed by the next execution: success. Declined: aborted. Otherwise
// incomplete: KUDOS has no timer, so nothing in the capture makes it fail.
Outcome kudos_outcome(KudosEnd end);

}  // namespace oidu
