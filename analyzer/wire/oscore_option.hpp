// The OSCORE option value (RFC 8613 6.1) with the KUDOS extension
// (draft-ietf-core-oscore-key-update-14 section 4.1).
//
//  byte 0: |ext1 (0x80)|res (0x40)|res (0x20)|h (0x10)|k (0x08)| n (0x07) |
//  byte 1 (if ext1): bits 8-14 reserved, d = 0x01
//  Partial IV (n bytes), [s, kid context (s bytes) if h], [x, nonce (m+1) if d], kid (rest, if k)
//  x: |res (0x80)|z (0x40)|b (0x20)|p (0x10)| m (0x0f) |
#pragma once
#include <optional>
#include <string>

#include "core/bytes.hpp"

namespace oidu {

struct OscoreOption {
  ByteView partial_iv;                  // empty if n = 0
  std::optional<ByteView> kid_context;  // present if h
  std::optional<ByteView> kid;          // present if k (may be empty)
  bool extension1 = false;              // second flag byte present
  std::uint8_t flags2 = 0;              // second flag byte (0 if absent)
  // KUDOS fields, present if d.
  bool kudos = false;                   // 'd': this is a KUDOS message
  std::uint8_t x = 0;
  ByteView nonce;

  bool z() const { return (x & 0x40) != 0; }  // 1 = convergent, 0 = divergent
  bool b() const { return (x & 0x20) != 0; }  // preserve observations
  bool p() const { return (x & 0x10) != 0; }  // no forward secrecy
  unsigned m() const { return x & 0x0f; }     // nonce length - 1
};

// Errors name the field or the reserved bit: "reserved flag bit 0x40 set in byte 0",
// "Partial IV length 6 is reserved", "kid context runs past the option value", ...
std::optional<OscoreOption> parse_oscore_option(ByteView value, std::string* error);

// The inverse; used by the simulator. Sets ext1 automatically when `kudos` is set.
struct OscoreOptionFields {
  Bytes partial_iv;
  std::optional<Bytes> kid_context;
  std::optional<Bytes> kid;
  bool kudos = false;
  std::uint8_t x = 0;
  Bytes nonce;
};
Bytes encode_oscore_option(const OscoreOptionFields& fields);

// The number a Partial IV stands for (big-endian, up to 8 bytes).
std::uint64_t piv_value(ByteView piv);

}  // namespace oidu
