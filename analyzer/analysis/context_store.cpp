#include "analysis/context_store.hpp"

#include "analysis/exchanges.hpp"

#include <algorithm>

namespace oidu {

ContextSlot& ContextStore::add(ContextSlot slot) {
  slot.id = static_cast<std::uint32_t>(slots_.size() + 1);
  slots_.push_back(std::make_unique<ContextSlot>(std::move(slot)));
  ContextSlot* s = slots_.back().get();
  by_kid_.emplace(fingerprint(s->client_id), s);
  if (s->server_id != s->client_id) by_kid_.emplace(fingerprint(s->server_id), s);
  return *s;
}

std::vector<ContextSlot*> ContextStore::by_kid(ByteView kid) const {
  std::vector<ContextSlot*> out;
  auto [lo, hi] = by_kid_.equal_range(fingerprint(kid));
  for (auto it = lo; it != hi; ++it) {
    const ContextSlot* s = it->second;
    const auto same = [&](const Bytes& id) { return std::equal(id.begin(), id.end(), kid.begin(), kid.end()); };
    if (same(s->client_id) || same(s->server_id)) out.push_back(it->second);
  }
  // Newest first: later derivations are the likelier ones once they exist.
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->id > b->id; });
  return out;
}

}  // namespace oidu
