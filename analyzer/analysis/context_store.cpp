#include "analysis/context_store.hpp"

#include "analysis/exchanges.hpp"

#include <algorithm>

namespace oidu {

ContextSlot& ContextStore::add(ContextSlot slot) {
  slot.id = static_cast<std::uint32_t>(slots_.size() + 1);
  slots_.push_back(std::make_unique<ContextSlot>(std::move(slot)));
  ContextSlot* s = slots_.back().get();
  // Slots only come in increasing id order, so putting each first keeps lists newest first.
  const auto index = [&](const Bytes& id) {
    auto& list = by_kid_[fingerprint(id)];
    list.insert(list.begin(), s);
  };
  index(s->client_id);
  if (s->server_id != s->client_id) index(s->server_id);
  return *s;
}

void ContextStore::by_kid(ByteView kid, std::vector<ContextSlot*>& out) const {
  auto it = by_kid_.find(fingerprint(kid));
  if (it == by_kid_.end()) return;
  const auto same = [&](const Bytes& id) { return std::equal(id.begin(), id.end(), kid.begin(), kid.end()); };
  for (ContextSlot* s : it->second) {
    if (same(s->client_id) || same(s->server_id)) out.push_back(s);
  }
}

}  // namespace oidu
