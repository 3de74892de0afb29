// CoAP over UDP (RFC 7252 section 3) and the OSCORE inner message (RFC 8613 5.3):
// header, token, options with extended deltas and lengths, payload marker.
// Parsed values are views into the caller's buffer; nothing is copied.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"

namespace oidu {

enum class CoapType : std::uint8_t { Con = 0, Non = 1, Ack = 2, Rst = 3 };
const char* coap_type_name(CoapType t);  // "CON", "NON", "ACK", "RST"

struct CoapOption {
  std::uint16_t number;
  ByteView value;
};

// Options then payload, the part common to outer CoAP messages and OSCORE plaintexts.
struct CoapBody {
  std::vector<CoapOption> options;  // in wire order (ascending numbers)
  ByteView payload;                 // empty if no payload marker

  const CoapOption* find(std::uint16_t number) const;
  bool has(std::uint16_t number) const { return find(number) != nullptr; }
};

struct CoapMessage {
  std::uint8_t version = 1;
  CoapType type = CoapType::Con;
  std::uint8_t code = 0;       // class << 5 | detail
  std::uint16_t message_id = 0;
  ByteView token;
  CoapBody body;

  bool is_request() const { return code >= 1 && code <= 31; }
  bool is_response() const { return code >= 64; }
  bool is_empty() const { return code == 0; }
};

// The OSCORE plaintext: one code byte, then options and payload (RFC 8613 5.3).
struct InnerMessage {
  std::uint8_t code = 0;
  CoapBody body;
};

// "0.01", "2.05", ... and, for people, "GET", "2.05 Content" and so on.
std::string code_text(std::uint8_t code);
std::string code_description(std::uint8_t code);

// Parse errors say what is wrong and at which byte offset.
std::optional<CoapMessage> parse_coap(ByteView datagram, std::string* error);
std::optional<InnerMessage> parse_inner(ByteView plaintext, std::string* error);
// The same into an existing message, whose option list keeps its capacity: the engine
// parses every frame into the same two. On failure `out` is left partly filled.
bool parse_coap(ByteView datagram, CoapMessage& out, std::string* error);
bool parse_inner(ByteView plaintext, InnerMessage& out, std::string* error);
// Options and payload starting at `in` (shared by both parsers).
std::optional<CoapBody> parse_body(ByteView in, std::string* error);

// Encoders (the simulator and tests build messages with them). Options must be sorted
// by number; encode_* sorts a copy stably if they are not.
void encode_body(Bytes& out, const std::vector<CoapOption>& options, ByteView payload);
Bytes encode_coap(const CoapMessage& m);
Bytes encode_inner(std::uint8_t code, const std::vector<CoapOption>& options, ByteView payload);

// A first look at a datagram that allocates nothing and explains nothing: enough to
// find the table entries the engine will read for it, so they can be loaded from memory
// while earlier frames are analysed (Engine::process_batch). parse_coap stays the
// judge: a datagram it rejects may still peek, one it accepts peeks alike.
struct CoapPeek {
  CoapType type = CoapType::Con;
  std::uint8_t code = 0;
  std::uint16_t message_id = 0;
  ByteView token;
  std::optional<ByteView> oscore;  // the OSCORE option's value, if there is one
};
std::optional<CoapPeek> peek_coap(ByteView datagram);

// Whether a UDP payload plausibly is CoAP carrying an OSCORE option (content-based
// recognition on ports that are not configured).
bool looks_like_oscore_coap(ByteView datagram);

}  // namespace oidu
