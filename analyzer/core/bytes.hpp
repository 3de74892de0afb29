// Byte strings and their hex form, shared by every layer.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oidu {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Lowercase hex, no separators; an empty input gives "".
std::string to_hex(ByteView bytes);

// Accepts upper or lower case, an optional "0x" prefix, and ':' or ' ' separators.
// Returns nullopt for odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view text);

inline ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

inline bool same_bytes(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// A short byte string (an OSCORE ID) as one word: its length in the top byte and the
// bytes below. Exact (two strings pack alike only if equal) up to kPackedExactLength
// bytes, which covers every ID a 13-byte AEAD nonce allows; longer strings get their
// length and a hash, and whoever compares them must compare the bytes too.
inline constexpr std::size_t kPackedExactLength = 7;
// FNV-1a: a digest for values hashed once (a key, a long ID), where speed does not matter.
std::uint64_t fnv1a(ByteView bytes);
std::uint64_t pack_short(ByteView bytes);

// The home slot of `key` in an open-addressing table of `size` slots, a power of two
// and at least 2: Fibonacci hashing spreads the key's bits, the low-entropy bits of a
// packed ID included, over the table. The engine's flat tables all probe from here.
inline std::size_t fibonacci_slot(std::uint64_t key, std::size_t size) {
  return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> (64 - std::countr_zero(size)));
}

// Linear probing over such a table from the home slot of `key`: the index of the first
// slot for which `stop(slot)` holds. Every flat table of the engine (kid index, exchange
// index, duplicate filter) probes through here; each keeps a free slot, so probes end.
template <typename Table, typename Stop>
std::size_t probe(Table& table, std::uint64_t key, Stop stop) {
  const std::size_t mask = table.size() - 1;
  for (std::size_t i = fibonacci_slot(key, table.size());; i = (i + 1) & mask) {
    if (stop(table[i])) return i;
  }
}

}  // namespace oidu
