#include "analysis/context_store.hpp"

#include <algorithm>

namespace oidu {

ContextSlot& ContextStore::add(ContextSlot slot) {
  slot.id = static_cast<std::uint32_t>(slots_.size() + 1);
  slots_.push_back(std::make_unique<ContextSlot>(std::move(slot)));
  ContextSlot* s = slots_.back().get();
  // Slots only come in increasing id order, so putting each first keeps lists newest first.
  const auto index = [&](const Bytes& id) {
    KidSlots& list = by_kid_[pack_short(id)];
    if (list.newest) list.older.insert(list.older.begin(), list.newest);
    list.newest = s;
  };
  index(s->client_id);
  if (s->server_id != s->client_id) index(s->server_id);
  return *s;
}

void ContextStore::by_kid(ByteView kid, std::vector<ContextSlot*>& out) const {
  auto it = by_kid_.find(pack_short(kid));
  if (it == by_kid_.end()) return;
  const auto add = [&](ContextSlot* s) {
    if (kid.size() <= kPackedExactLength || same_bytes(s->client_id, kid) || same_bytes(s->server_id, kid))
      out.push_back(s);
  };
  add(it->second.newest);
  for (ContextSlot* s : it->second.older) add(s);
}

}  // namespace oidu
