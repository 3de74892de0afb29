// The request hints (request_hints.hpp): a direct-mapped table from (endpoint, kid) to
// the slot that opened its last request.
#include "analysis/request_hints.hpp"

#include <algorithm>
#include <bit>

#include "analysis/exchanges.hpp"

namespace oidu {
namespace {

constexpr std::size_t kMinEntries = 1024;

}  // namespace

std::uint64_t RequestHints::key_of(const Endpoint& src, ByteView kid) {
  const std::uint64_t key = fingerprint(src, kid);
  return key == 0 ? 1 : key;
}

RequestHints::Hint RequestHints::find(const Endpoint& src, ByteView kid) const {
  if (table_.empty()) return {};
  const std::uint64_t key = key_of(src, kid);
  const Entry& e = table_[fibonacci_slot(key, table_.size())];
  return e.key == key ? e.hint : Hint{};
}

void RequestHints::remember(const Endpoint& src, ByteView kid, ContextSlot* slot, std::uint32_t newest_listed,
                            std::size_t contexts) {
  // One entry per context or more: the table grows with the store (and starts afresh,
  // as hints are only hints), never with the messages.
  if (table_.size() < contexts || table_.empty()) {
    table_.assign(std::bit_ceil(std::max(kMinEntries, 2 * contexts)), Entry{});
  }
  const std::uint64_t key = key_of(src, kid);
  table_[fibonacci_slot(key, table_.size())] = Entry{key, Hint{slot, newest_listed}};
}

}  // namespace oidu
