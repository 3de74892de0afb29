// The contexts the engine can open messages with, and their lineage: the contexts from
// the key files, and every context an ID update (CTX_B) or a KUDOS execution (CTX_TEMP,
// CTX_NEW) derives from them. Requests find their context through an index by kid.
#pragma once
#include <array>
#include <deque>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "keys/keys.hpp"

namespace oidu {

struct Association;
struct PivHistory;

enum class SlotKind { Keys, IdUpdate, KudosTemp, KudosNew, IdContext };

struct ContextSlot {
  std::uint32_t id = 0;
  std::string name;          // shown to users: "<key name>", "<name>/id-update#1", ...
  std::string origin;        // "keys", "id-update #1", "kudos #2 CTX_TEMP", ...
  SlotKind kind = SlotKind::Keys;
  std::shared_ptr<SecurityContext> context;
  Bytes client_id, server_id;  // Sender IDs of the client and of the server
  Association* association = nullptr;
  std::uint32_t procedure = 0;  // the procedure that derived it (0 for keys)
  bool retired = false;         // replaced; kept for late messages until dropped
  // The nonce histories (nonce_tracker.cpp) its messages used last, by their table key:
  // a message finds its history here without a lookup in the engine-wide table.
  std::array<std::pair<std::uint64_t, PivHistory*>, 4> recent_nonce_histories{};
  std::size_t next_nonce_history = 0;
};

class ContextStore {
 public:
  ContextSlot& add(ContextSlot slot);
  // Appends to `out` the slots in which `kid` is one of the two Sender IDs, newest first.
  void by_kid(ByteView kid, std::vector<ContextSlot*>& out) const;
  std::size_t size() const { return slots_.size(); }

 private:
  std::deque<std::unique_ptr<ContextSlot>> slots_;
  // A Sender ID (packed, see pack_short) -> the slots using it, newest first. The newest
  // sits in the table's own node: with thousands of contexts every pointer followed is
  // a cache miss, and most IDs belong to one context.
  struct KidSlots {
    ContextSlot* newest = nullptr;
    std::vector<ContextSlot*> older;  // newest first
  };
  std::unordered_map<std::uint64_t, KidSlots> by_kid_;
};

}  // namespace oidu
