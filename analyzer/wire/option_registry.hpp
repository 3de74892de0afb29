// Names, formats and OSCORE classes of CoAP options (IANA "CoAP Option Numbers"),
// with Recipient-ID (24) and Recipient-ID-Ack (32) of draft-ietf-core-oscore-id-update.
#pragma once
#include <cstdint>
#include <string>

#include "core/bytes.hpp"

namespace oidu {

inline constexpr std::uint16_t kOptObserve = 6;
inline constexpr std::uint16_t kOptOscore = 9;
inline constexpr std::uint16_t kOptUriPath = 11;
inline constexpr std::uint16_t kOptRecipientId = 24;
inline constexpr std::uint16_t kOptRecipientIdAck = 32;
inline constexpr std::uint16_t kOptEcho = 252;
inline constexpr std::uint16_t kOptRequestTag = 292;

enum class OptionFormat { Empty, Opaque, Uint, String };
// RFC 8613 4.1: E = encrypted and integrity protected, U = outer only, EU = both
// (e.g. Observe, Echo... may be both); unknown options are treated as class E.
enum class OscoreClass { E, U, EU };

struct OptionInfo {
  std::uint16_t number;
  const char* name;      // "Uri-Path", "Recipient-ID", ...
  OptionFormat format;
  OscoreClass oscore_class;
};

// nullptr for an unregistered number.
const OptionInfo* option_info(std::uint16_t number);
// The registered name, or "Unknown-<number>".
std::string option_name(std::uint16_t number);
// A value for people: strings as text, uints as decimal, opaque and unknown as lowercase hex.
std::string option_value_text(std::uint16_t number, ByteView value);
// Length of the well-formed UTF-8 sequence starting at value[i] (RFC 3629), 0 if none:
// option_value_text() keeps such sequences as text and escapes every other byte.
std::size_t utf8_sequence_length(ByteView value, std::size_t i);
// Appends a string option's text as option_value_text() shows it.
void append_escaped_text(std::string& out, ByteView value);

}  // namespace oidu
