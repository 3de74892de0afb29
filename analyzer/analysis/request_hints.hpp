// Which context slot last opened a request with a given kid from a given endpoint.
//
// Many contexts can share a kid: a server's short Recipient IDs are reused across its
// clients, and ID updates pick new IDs from the same small space. The store lists them
// newest first and the resolver tries each in turn, so a long capture would pay a
// failed AEAD open for every newer context with the same kid. A peer's requests keep
// opening with the same slot, so the resolver tries the hinted slot first.
//
// The context a request is attributed to cannot change: a context opens a request exactly
// when its AEAD, Sender Key for the kid and Common IV are those of the context that
// protected it. So the slots listed before the hinted one that failed when it was
// recorded fail for every request it opens. The slots added since are newer, so listed
// first: they are still tried before it, in order. The entry keeps the newest slot id
// listed when it was recorded.
#pragma once
#include <cstdint>
#include <vector>

#include "analysis/context_store.hpp"
#include "capture/capture.hpp"
#include "core/bytes.hpp"

namespace oidu {

class RequestHints {
 public:
  struct Hint {
    ContextSlot* slot = nullptr;         // nullptr: none
    std::uint32_t listed_up_to = 0;      // slots with a larger id came after the hint
  };

  Hint find(const Endpoint& src, ByteView kid) const;
  // `slot` opened a request with `kid` from `src`, first of the slots listed, the newest
  // of which had id `newest_listed`; `contexts` is the store's size (the table follows it).
  void remember(const Endpoint& src, ByteView kid, ContextSlot* slot, std::uint32_t newest_listed,
                std::size_t contexts);

 private:
  // Direct-mapped: a collision only loses a hint. Keyed by a 64-bit fingerprint of
  // (endpoint, kid); 0 marks a free entry.
  struct Entry {
    std::uint64_t key = 0;
    Hint hint;
  };
  static std::uint64_t key_of(const Endpoint& src, ByteView kid);
  std::vector<Entry> table_;
};

}  // namespace oidu
