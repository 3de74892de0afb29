// Helpers shared by the three key file readers (private to the keys layer).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keys/keys.hpp"

namespace oidu::keys_detail {

std::string_view trim(std::string_view s);

// The text split at '\n' (a trailing '\r' dropped), numbered from 1.
struct TextLine {
  std::size_t number;
  std::string_view text;
};
std::vector<TextLine> split_lines(std::string_view text);

// A line that carries nothing: blank, or a '#' comment.
bool is_blank_or_comment(std::string_view line);

// AEAD by COSE name, number or Wireshark name; on failure `error` lists the accepted names.
std::optional<int> parse_aead(std::string_view text, std::string* error);
// HKDF by name ("HKDF-SHA-256", libcoap's "direct+HKDF-SHA-256") or COSE number (-10, -11).
std::optional<HkdfHash> parse_hkdf(std::string_view text, std::string* error);
// A hex string; `what` names the field in the error message.
std::optional<Bytes> parse_hex_field(std::string_view text, std::string_view what, std::string* error);

// Checks what every entry must satisfy whatever its format (a Master Secret, IDs that
// fit the AEAD nonce); returns the problems, empty if none.
std::vector<std::string> check_entry(const KeyEntry& e);

// "<origin>:<line>"
std::string at_line(const std::string& origin, std::size_t line);

}  // namespace oidu::keys_detail
