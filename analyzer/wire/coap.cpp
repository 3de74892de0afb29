#include "wire/coap.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "wire/option_registry.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {

namespace {

constexpr std::uint8_t kPayloadMarker = 0xFF;
constexpr unsigned kMaxOptionNumber = 65535;

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

std::string at(std::size_t offset) { return " at byte " + std::to_string(offset); }

// Reads the extension of an option delta or length nibble (RFC 7252 3.1): 13 takes one
// more byte (+13), 14 two more (+269). `what` is "delta" or "length" for the errors.
bool read_extended(ByteView in, std::size_t& pos, unsigned nibble, std::size_t header_offset,
                   const char* what, unsigned& value, std::string* error) {
  if (nibble < 13) {
    value = nibble;
    return true;
  }
  if (nibble == 15) {
    return fail(error, std::string("option ") + what + " nibble 15 (reserved outside the payload marker)" +
                           at(header_offset));
  }
  const std::size_t ext_len = nibble == 13 ? 1 : 2;
  if (in.size() - pos < ext_len) {
    return fail(error, std::string("truncated option ") + what + " extension" + at(pos));
  }
  value = nibble == 13 ? 13u + in[pos] : 269u + (unsigned{in[pos]} << 8 | in[pos + 1]);
  pos += ext_len;
  return true;
}

// Options and payload of `in` from `pos` on into `body`, whose option list keeps its
// capacity; offsets in errors are positions in `in`.
bool parse_body_at(ByteView in, std::size_t pos, CoapBody& body, std::string* error) {
  body.options.clear();
  body.payload = {};
  unsigned number = 0;
  while (pos < in.size()) {
    const std::size_t header_offset = pos;
    const std::uint8_t header = in[pos++];
    if (header == kPayloadMarker) {
      if (pos == in.size()) {
        return fail(error, "payload marker" + at(header_offset) + " followed by an empty payload");
      }
      body.payload = in.subspan(pos);
      return true;
    }
    unsigned delta = 0;
    unsigned length = 0;
    if (!read_extended(in, pos, header >> 4, header_offset, "delta", delta, error) ||
        !read_extended(in, pos, header & 0x0f, header_offset, "length", length, error)) {
      return false;
    }
    number += delta;
    if (number > kMaxOptionNumber) {
      fail(error, "option number " + std::to_string(number) + " above 65535" + at(header_offset));
      return false;
    }
    if (in.size() - pos < length) {
      fail(error, "option " + std::to_string(number) + " value of " + std::to_string(length) + " bytes" +
                      at(pos) + " runs past the end (" + std::to_string(in.size() - pos) +
                      " bytes left)");
      return false;
    }
    body.options.push_back({static_cast<std::uint16_t>(number), in.subspan(pos, length)});
    pos += length;
  }
  return true;
}

// The nibble and extension bytes for one option delta or length.
std::uint8_t nibble_for(std::size_t value) {
  if (value < 13) return static_cast<std::uint8_t>(value);
  return value < 269 ? 13 : 14;
}

void append_extension(Bytes& out, std::size_t value) {
  if (value < 13) return;
  if (value < 269) {
    out.push_back(static_cast<std::uint8_t>(value - 13));
    return;
  }
  const std::size_t v = value - 269;
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

const char* request_name(std::uint8_t code) {
  switch (code) {
    case 1: return "GET";
    case 2: return "POST";
    case 3: return "PUT";
    case 4: return "DELETE";
    case 5: return "FETCH";
    case 6: return "PATCH";
    case 7: return "iPATCH";
    default: return nullptr;
  }
}

// Reason phrases of the IANA "CoAP Response Codes" registry.
const char* response_name(std::uint8_t code) {
  switch (code) {
    case 65: return "Created";
    case 66: return "Deleted";
    case 67: return "Valid";
    case 68: return "Changed";
    case 69: return "Content";
    case 95: return "Continue";
    case 128: return "Bad Request";
    case 129: return "Unauthorized";
    case 130: return "Bad Option";
    case 131: return "Forbidden";
    case 132: return "Not Found";
    case 133: return "Method Not Allowed";
    case 134: return "Not Acceptable";
    case 136: return "Request Entity Incomplete";
    case 137: return "Conflict";
    case 140: return "Precondition Failed";
    case 141: return "Request Entity Too Large";
    case 143: return "Unsupported Content-Format";
    case 150: return "Unprocessable Entity";
    case 157: return "Too Many Requests";
    case 160: return "Internal Server Error";
    case 161: return "Not Implemented";
    case 162: return "Bad Gateway";
    case 163: return "Service Unavailable";
    case 164: return "Gateway Timeout";
    case 165: return "Proxying Not Supported";
    case 168: return "Hop Limit Reached";
    default: return nullptr;
  }
}

}  // namespace

const char* coap_type_name(CoapType t) {
  switch (t) {
    case CoapType::Con: return "CON";
    case CoapType::Non: return "NON";
    case CoapType::Ack: return "ACK";
    case CoapType::Rst: return "RST";
  }
  return "?";
}

const CoapOption* CoapBody::find(std::uint16_t number) const {
  for (const auto& o : options) {
    if (o.number == number) return &o;
  }
  return nullptr;
}

std::string code_text(std::uint8_t code) {
  char text[8];
  std::snprintf(text, sizeof text, "%u.%02u", unsigned{code} >> 5, unsigned{code} & 0x1fu);
  return text;
}

std::string code_description(std::uint8_t code) {
  if (code == 0) return "Empty";
  if (const char* name = request_name(code)) return name;
  if (const char* name = response_name(code)) return code_text(code) + " " + name;
  return code_text(code);
}

std::optional<CoapBody> parse_body(ByteView in, std::string* error) {
  CoapBody body;
  if (!parse_body_at(in, 0, body, error)) return std::nullopt;
  return body;
}

bool parse_coap(ByteView datagram, CoapMessage& m, std::string* error) {
  if (datagram.size() < 4) {
    fail(error, "message of " + std::to_string(datagram.size()) +
                    " bytes is shorter than the 4-byte CoAP header");
    return false;
  }
  m.version = datagram[0] >> 6;
  if (m.version != 1) {
    fail(error, "CoAP version " + std::to_string(m.version) + at(0) + " (expected 1)");
    return false;
  }
  m.type = static_cast<CoapType>((datagram[0] >> 4) & 0x03);
  const std::size_t token_length = datagram[0] & 0x0f;
  if (token_length > 8) {
    fail(error, "token length " + std::to_string(token_length) + at(0) + " is reserved (9-15)");
    return false;
  }
  m.code = datagram[1];
  m.message_id = static_cast<std::uint16_t>(datagram[2] << 8 | datagram[3]);
  if (datagram.size() - 4 < token_length) {
    fail(error, "token of " + std::to_string(token_length) + " bytes" + at(4) +
                    " runs past the end of the message");
    return false;
  }
  // RFC 7252 4.1: an Empty message is the bare 4-byte header.
  if (m.code == 0 && datagram.size() > 4) {
    fail(error, "Empty message (code 0.00) has " + std::to_string(datagram.size() - 4) +
                    " bytes after the header" + at(4));
    return false;
  }
  m.token = datagram.subspan(4, token_length);
  return parse_body_at(datagram, 4 + token_length, m.body, error);
}

std::optional<CoapMessage> parse_coap(ByteView datagram, std::string* error) {
  CoapMessage m;
  if (!parse_coap(datagram, m, error)) return std::nullopt;
  return m;
}

bool parse_inner(ByteView plaintext, InnerMessage& inner, std::string* error) {
  if (plaintext.empty()) return fail(error, "empty OSCORE plaintext (no code byte)");
  inner.code = plaintext[0];
  return parse_body_at(plaintext, 1, inner.body, error);
}

std::optional<InnerMessage> parse_inner(ByteView plaintext, std::string* error) {
  InnerMessage inner;
  if (!parse_inner(plaintext, inner, error)) return std::nullopt;
  return inner;
}

void encode_body(Bytes& out, const std::vector<CoapOption>& options, ByteView payload) {
  const auto by_number = [](const CoapOption& a, const CoapOption& b) { return a.number < b.number; };
  std::vector<CoapOption> sorted;
  const std::vector<CoapOption>* in_order = &options;
  if (!std::is_sorted(options.begin(), options.end(), by_number)) {
    sorted = options;
    std::stable_sort(sorted.begin(), sorted.end(), by_number);
    in_order = &sorted;
  }
  unsigned previous = 0;
  for (const auto& o : *in_order) {
    const std::size_t delta = o.number - previous;
    const std::size_t length = o.value.size();
    if (length > 65535 + 269) throw std::length_error("CoAP option value too long to encode");
    out.push_back(static_cast<std::uint8_t>(nibble_for(delta) << 4 | nibble_for(length)));
    append_extension(out, delta);
    append_extension(out, length);
    out.insert(out.end(), o.value.begin(), o.value.end());
    previous = o.number;
  }
  if (!payload.empty()) {
    out.push_back(kPayloadMarker);
    out.insert(out.end(), payload.begin(), payload.end());
  }
}

Bytes encode_coap(const CoapMessage& m) {
  if (m.token.size() > 8) throw std::length_error("CoAP token longer than 8 bytes");
  Bytes out;
  out.push_back(static_cast<std::uint8_t>((m.version & 0x03) << 6 |
                                          static_cast<unsigned>(m.type) << 4 | m.token.size()));
  out.push_back(m.code);
  out.push_back(static_cast<std::uint8_t>(m.message_id >> 8));
  out.push_back(static_cast<std::uint8_t>(m.message_id & 0xff));
  out.insert(out.end(), m.token.begin(), m.token.end());
  encode_body(out, m.body.options, m.body.payload);
  return out;
}

Bytes encode_inner(std::uint8_t code, const std::vector<CoapOption>& options, ByteView payload) {
  Bytes out{code};
  encode_body(out, options, payload);
  return out;
}

std::optional<CoapPeek> peek_coap(ByteView datagram) {
  if (datagram.size() < 4 || (datagram[0] >> 6) != 1) return std::nullopt;
  const std::size_t token_length = datagram[0] & 0x0f;
  if (token_length > 8 || datagram.size() - 4 < token_length) return std::nullopt;
  CoapPeek peek;
  peek.type = static_cast<CoapType>((datagram[0] >> 4) & 0x03);
  peek.code = datagram[1];
  peek.message_id = static_cast<std::uint16_t>(datagram[2] << 8 | datagram[3]);
  peek.token = datagram.subspan(4, token_length);
  std::size_t pos = 4 + token_length;
  unsigned number = 0;
  // Options come in ascending order, so the scan stops at the first one past OSCORE.
  while (pos < datagram.size() && number <= kOptOscore) {
    const std::size_t header_offset = pos;
    const std::uint8_t header = datagram[pos++];
    unsigned delta = 0;
    unsigned length = 0;
    if (header == kPayloadMarker ||
        !read_extended(datagram, pos, header >> 4, header_offset, "delta", delta, nullptr) ||
        !read_extended(datagram, pos, header & 0x0f, header_offset, "length", length, nullptr) ||
        datagram.size() - pos < length) {
      break;
    }
    number += delta;
    if (number == kOptOscore) {
      peek.oscore = datagram.subspan(pos, length);
      break;
    }
    pos += length;
  }
  return peek;
}

bool looks_like_oscore_coap(ByteView datagram) {
  const auto m = parse_coap(datagram, nullptr);
  if (!m) return false;
  const CoapOption* oscore = m->body.find(kOptOscore);
  return oscore && parse_oscore_option(oscore->value, nullptr).has_value();
}

}  // namespace oidu
