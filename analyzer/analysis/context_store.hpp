// The contexts the engine can open messages with, and their lineage: the contexts from
// the key files, and every context an ID update (CTX_B) or a KUDOS execution (CTX_TEMP,
// CTX_NEW) derives from them. Requests find their context through an index by kid.
#pragma once
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
};

class ContextStore {
 public:
  ContextSlot& add(ContextSlot slot);
  // Slots in which `kid` is one of the two Sender IDs, newest first.
  std::vector<ContextSlot*> by_kid(ByteView kid) const;
  std::size_t size() const { return slots_.size(); }

 private:
  std::deque<std::unique_ptr<ContextSlot>> slots_;
  std::unordered_multimap<std::uint64_t, ContextSlot*> by_kid_;  // fingerprint of each Sender ID
};

}  // namespace oidu
