#include "analysis/context_store.hpp"

#include <algorithm>

namespace oidu {

ContextSlot& ContextStore::add(ContextSlot slot) {
  slot.id = static_cast<std::uint32_t>(slots_.size() + 1);
  slots_.push_back(std::make_unique<ContextSlot>(std::move(slot)));
  ContextSlot* s = slots_.back().get();
  by_kid_.emplace(s->client_id, s);
  if (s->server_id != s->client_id) by_kid_.emplace(s->server_id, s);
  return *s;
}

std::vector<ContextSlot*> ContextStore::by_kid(ByteView kid) const {
  std::vector<ContextSlot*> out;
  auto [lo, hi] = by_kid_.equal_range(Bytes(kid.begin(), kid.end()));
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  // Newest first: later derivations are the likelier ones once they exist.
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->id > b->id; });
  return out;
}

}  // namespace oidu
