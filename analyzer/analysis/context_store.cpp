// The context store: every context the engine can open messages with, and the flat kid
// index that finds a request's candidates (context_store.hpp).
#include "analysis/context_store.hpp"

#include <utility>

namespace oidu {
namespace {

constexpr std::size_t kMinKidCapacity = 64;

}  // namespace

std::size_t ContextStore::home(std::uint64_t key) const { return fibonacci_slot(key, by_kid_.size()); }

const ContextStore::KidEntry* ContextStore::find(std::uint64_t key) const {
  if (by_kid_.empty()) return nullptr;
  const KidEntry& e = by_kid_[probe(by_kid_, key, [key](const KidEntry& s) {
    return s.newest == nullptr || s.key == key;
  })];
  return e.newest == nullptr ? nullptr : &e;
}

ContextStore::KidEntry* ContextStore::find(std::uint64_t key) {
  return const_cast<KidEntry*>(std::as_const(*this).find(key));
}

void ContextStore::grow() {
  std::vector<KidEntry> old = std::move(by_kid_);
  by_kid_.assign(std::max(kMinKidCapacity, 2 * old.size()), KidEntry{});
  for (const KidEntry& e : old) {
    if (e.newest != nullptr) by_kid_[probe(by_kid_, e.key, [](const KidEntry& f) { return f.newest == nullptr; })] = e;
  }
}

void ContextStore::index(ContextSlot* slot, const Bytes& id) {
  const std::uint64_t key = pack_short(id);
  if (KidEntry* e = find(key)) {
    // Slots only come in increasing id order, so appending keeps lists oldest first (an
    // insert at the front made a key file whose contexts share one Sender ID quadratic).
    if (e->older == 0) {
      older_.emplace_back();
      e->older = static_cast<std::uint32_t>(older_.size());
    }
    older_[e->older - 1].push_back(e->newest);
    e->newest = slot;
    e->newest_id = slot->id;
    return;
  }
  if (2 * (kids_ + 1) > by_kid_.size()) grow();
  by_kid_[probe(by_kid_, key, [](const KidEntry& f) { return f.newest == nullptr; })] = KidEntry{key, slot, 0, slot->id};
  ++kids_;
}

ContextSlot& ContextStore::add(ContextSlot slot) {
  slot.id = static_cast<std::uint32_t>(slots_.size() + 1);
  ContextSlot* s = &slots_.emplace_back(std::move(slot));
  index(s, s->client_id);
  if (s->server_id != s->client_id) index(s, s->server_id);
  return *s;
}

void ContextStore::by_kid(ByteView kid, std::vector<ContextSlot*>& out) const {
  const KidEntry* e = find(pack_short(kid));
  if (e == nullptr) return;
  const auto add = [&](ContextSlot* s) {
    if (kid.size() <= kPackedExactLength || same_bytes(s->client_id, kid) || same_bytes(s->server_id, kid))
      out.push_back(s);
  };
  add(e->newest);
  if (e->older != 0) {
    const auto& older = older_[e->older - 1];
    for (auto it = older.rbegin(); it != older.rend(); ++it) add(*it);
  }
}

void ContextStore::prefetch(ByteView kid) const {
  if (!by_kid_.empty()) __builtin_prefetch(&by_kid_[home(pack_short(kid))]);
}

ContextStore::KidInfo ContextStore::kid_info(ByteView kid) const {
  const KidEntry* e = find(pack_short(kid));
  return e ? KidInfo{e->newest, e->newest_id, e->older != 0} : KidInfo{};
}

}  // namespace oidu
