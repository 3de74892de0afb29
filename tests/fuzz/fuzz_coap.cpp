// CoAP datagrams and OSCORE plaintexts: whatever parses must re-encode to a message that
// parses to the same fields; whatever does not must say why.
#include <algorithm>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu::fuzz {

inline bool same_bytes(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

inline bool same_body(const CoapBody& a, const CoapBody& b) {
  if (a.options.size() != b.options.size() || !same_bytes(a.payload, b.payload)) return false;
  for (std::size_t i = 0; i < a.options.size(); ++i) {
    if (a.options[i].number != b.options[i].number ||
        !same_bytes(a.options[i].value, b.options[i].value)) {
      return false;
    }
  }
  return true;
}

inline void coap_one(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  std::string error;
  if (const auto m = parse_coap(in, &error)) {
    const Bytes again = encode_coap(*m);
    const auto m2 = parse_coap(view(again), &error);
    check(m2.has_value(), "re-encoded CoAP message does not parse");
    check(m2->type == m->type && m2->code == m->code && m2->message_id == m->message_id &&
              same_bytes(m2->token, m->token) && same_body(m2->body, m->body),
          "re-encoded CoAP message parses differently");
    (void)code_text(m->code);
    (void)code_description(m->code);
    // The engine prefetches by what peek_coap reads: on a valid message it must agree.
    const auto peek = peek_coap(in);
    check(peek && peek->type == m->type && peek->code == m->code && peek->message_id == m->message_id &&
              same_bytes(peek->token, m->token),
          "peek_coap reads the header differently");
    const CoapOption* oscore = m->body.find(kOptOscore);
    check(oscore ? peek->oscore && same_bytes(*peek->oscore, oscore->value) : !peek->oscore,
          "peek_coap finds another OSCORE option");
  } else {
    check(!error.empty(), "parse_coap failed without an error message");
  }
  (void)looks_like_oscore_coap(in);
  (void)peek_coap(in);

  error.clear();
  if (const auto inner = parse_inner(in, &error)) {
    const Bytes again = encode_inner(inner->code, inner->body.options, inner->body.payload);
    const auto inner2 = parse_inner(view(again), &error);
    check(inner2.has_value(), "re-encoded inner message does not parse");
    check(inner2->code == inner->code && same_body(inner2->body, inner->body),
          "re-encoded inner message parses differently");
  } else {
    check(!error.empty(), "parse_inner failed without an error message");
  }
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::coap_one)
