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

// Reads one definite-length byte string at the start of `in`; returns its value and
// sets `consumed`. nullopt if `in` does not start with a well-formed bstr.
std::optional<ByteView> read_bstr(ByteView in, std::size_t& consumed);

}  // namespace oidu::cbor
