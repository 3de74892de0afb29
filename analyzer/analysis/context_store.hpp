// The contexts the engine can open messages with, and their lineage: the contexts from
// the key files, and every context an ID update (CTX_B) or a KUDOS execution (CTX_TEMP,
// CTX_NEW) derives from them. Requests find their context through an index by kid.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/stable_store.hpp"
#include "core/context.hpp"
#include "analysis/records.hpp"
#include "keys/keys.hpp"

namespace oidu {

struct Association;
struct PivHistory;  // nonce_tracker.hpp

// The nonce tracker's cache of the Partial IV histories this context's messages used
// last, by table key: almost every message finds its history here without a lookup.
// Kept in the slot, which the engine loads for every message anyway (nonce_tracker.hpp).
struct RecentPivHistories {
  std::array<std::pair<std::uint64_t, PivHistory*>, 4> entries{};
  std::size_t next = 0;
};

struct ContextSlot {
  std::uint32_t id = 0;
  std::string name;          // shown to users: "<key name>", "<name>/id-update#1", ...
  ContextKind kind = ContextKind::Keys;
  std::shared_ptr<SecurityContext> context;
  Bytes client_id, server_id;  // Sender IDs of the client and of the server
  Association* association = nullptr;
  const ContextSlot* parent = nullptr;  // the context it was derived from (none for keys)
  std::uint32_t procedure = 0;  // the procedure that derived it (0 for keys)
  bool retired = false;         // replaced; kept for late messages until dropped
  RecentPivHistories recent_nonces;  // only the nonce tracker reads or writes it

  ContextOrigin origin() const {
    return {kind, procedure, kind == ContextKind::IdContext ? context->material().id_context.value_or(Bytes{}) : Bytes{}};
  }
};

class ContextStore {
 public:
  ContextSlot& add(ContextSlot slot);
  // Appends to `out` the slots in which `kid` is one of the two Sender IDs, newest first.
  void by_kid(ByteView kid, std::vector<ContextSlot*>& out) const;
  // Starts loading what by_kid(kid) will read, for a message a few frames ahead; once
  // that is loaded, kid_info(kid) names the slot to load next.
  void prefetch(ByteView kid) const;
  // The slots whose packed Sender ID is that of `kid`: the newest one (nullptr: none) and
  // its id, and whether there are several. Long kids share a packing, so slots with
  // another kid may be counted: an upper bound.
  struct KidInfo {
    const ContextSlot* newest = nullptr;
    std::uint32_t newest_id = 0;
    bool several = false;
  };
  KidInfo kid_info(ByteView kid) const;
  std::size_t size() const { return slots_.size(); }

 private:
  // The kid index: a Sender ID (packed, see pack_short) -> the slots using it. Every
  // request looks it up, and with thousands of contexts each pointer followed is a
  // cache miss, so it is flat (open addressing, linear probing, at most half full) and
  // the newest slot sits in the entry itself; most IDs belong to one context.
  struct KidEntry {
    std::uint64_t key = 0;
    ContextSlot* newest = nullptr;  // nullptr: a free entry
    std::uint32_t older = 0;        // 1 + index into older_, 0: none
    std::uint32_t newest_id = 0;    // newest->id, without loading the slot
  };
  std::size_t home(std::uint64_t key) const;
  KidEntry* find(std::uint64_t key);
  const KidEntry* find(std::uint64_t key) const;
  void index(ContextSlot* slot, const Bytes& id);
  void grow();

  StableStore<ContextSlot> slots_;  // slots never move
  std::vector<KidEntry> by_kid_;
  std::size_t kids_ = 0;
  std::vector<std::vector<ContextSlot*>> older_;  // the other slots of a kid, oldest first
};

}  // namespace oidu
