// The few CBOR items OSCORE builds (RFC 8949 major types 0-4 and simple values):
// HKDF info arrays, external_aad, Enc_structure, KUDOS byte strings.
#pragma once
#include "core/bytes.hpp"

namespace oidu::cbor {

void put_uint(Bytes& out, std::uint64_t value);
void put_int(Bytes& out, std::int64_t value);            // negative values as major type 1
void put_bstr(Bytes& out, ByteView value);
void put_tstr(Bytes& out, std::string_view value);
void put_array_header(Bytes& out, std::uint64_t count);
void put_null(Bytes& out);

// The CBOR byte string holding `value` (header plus value).
Bytes bstr(ByteView value);

// The same items written straight into memory sized beforehand, for the per-message
// associated data: no capacity checks, no second buffer. Each write_ returns the end of
// what it wrote; each _size is exactly how many bytes its write_ takes.
inline constexpr std::size_t kMaxHeadSize = 9;
std::size_t head_size(std::uint64_t arg);
std::uint8_t* write_head(std::uint8_t* out, std::uint8_t major, std::uint64_t arg);
std::size_t int_size(std::int64_t value);
std::uint8_t* write_int(std::uint8_t* out, std::int64_t value);
std::size_t bstr_size(ByteView value);
std::uint8_t* write_bstr(std::uint8_t* out, ByteView value);

// Reads one definite-length byte string at the start of `in`; returns its value and
// sets `consumed`. nullopt if `in` does not start with a well-formed bstr.
std::optional<ByteView> read_bstr(ByteView in, std::size_t& consumed);

}  // namespace oidu::cbor
