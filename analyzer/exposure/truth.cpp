// Changes from the analyzer's procedure records, mapped onto the observer's identities;
// peers as the union of identities that share a context or are joined by a change.
#include "exposure/truth.hpp"

namespace oidu::exposure {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Linked: return "linked";
    case Verdict::Unlinked: return "unlinked";
    case Verdict::NotObserved: return "not-observed";
  }
  return "?";
}

void Truth::on_message(std::uint32_t identity, const MessageRecord& m) {
  if (identity == 0 || m.status != DecryptStatus::Decrypted) return;
  peer_of(identity);  // an identity with truth, even if alone
  auto [it, added] = context_identity_.try_emplace(m.context, identity);
  if (!added) join(it->second, identity);
}

void Truth::on_procedure(const ProcedureRecord& p) {
  if (p.type != ProcedureType::IdUpdate || p.outcome != Outcome::Success || !p.new_client_id) return;
  pending_.push_back({p.id, p.old_client_id, *p.new_client_id, p.server, p.first_frame});
}

std::uint32_t Truth::peer_of(std::uint32_t identity) {
  auto [it, added] = parent_.try_emplace(identity, identity);
  if (added || it->second == identity) return identity;
  const std::uint32_t root = peer_of(it->second);
  parent_[identity] = root;
  return root;
}

void Truth::join(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t ra = peer_of(a), rb = peer_of(b);
  if (ra != rb) parent_[rb] = ra;
}

void Truth::finish(const Observer& observer) {
  const auto& identities = observer.identities();
  for (const auto& c : pending_) {
    Change change;
    change.procedure = c.procedure;
    change.old_kid = c.old_kid;
    change.new_kid = c.new_kid;
    // The old identity: the old kid towards the procedure's server, seen before it began.
    // The new one: the first identity with the new kid after that, on any server (the
    // peers may have migrated).
    // Where another peer already uses the new kid towards the same server, the observer
    // sees one identity for both: the new IDs then continue that one.
    std::uint32_t shared = 0;
    for (const auto& i : identities) {
      if (change.old_identity == 0 && i.kid == c.old_kid && i.server == c.server &&
          i.first_frame <= c.first_frame) {
        change.old_identity = i.id;
      }
      if (change.new_identity == 0 && i.kid == c.new_kid && i.first_frame > c.first_frame) {
        change.new_identity = i.id;
      }
      if (shared == 0 && i.kid == c.new_kid && i.first_frame <= c.first_frame && i.last_frame > c.first_frame) {
        shared = i.id;
      }
    }
    if (change.new_identity == 0) change.new_identity = shared;
    if (change.old_identity != 0 && change.new_identity != 0) {
      join(change.old_identity, change.new_identity);
      change.verdict = Verdict::Unlinked;
      if (const Link* link = observer.link(change.old_identity, change.new_identity)) {
        change.evidence = link->evidence;
        change.frame = link->frame;
        change.anonymity_set = link->anonymity_set;
        if (link->evidence.hard()) change.verdict = Verdict::Linked;
      }
    }
    changes_.push_back(std::move(change));
  }
  for (const auto& link : observer.links()) {
    if (!parent_.count(link.from) || !parent_.count(link.to)) continue;  // no truth on one side
    if (peer_of(link.from) != peer_of(link.to)) false_links_.push_back(link);
  }
}

}  // namespace oidu::exposure
