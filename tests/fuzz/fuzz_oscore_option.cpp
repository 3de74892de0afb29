// The OSCORE option value (RFC 8613 6.1 with the KUDOS flags): whatever parses must
// re-encode to a value that parses to the same fields.
#include <algorithm>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "wire/oscore_option.hpp"

namespace oidu::fuzz {

inline bool same_view(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

inline bool same_optional(const std::optional<ByteView>& a, const std::optional<ByteView>& b) {
  return a.has_value() == b.has_value() && (!a || same_view(*a, *b));
}

inline void oscore_option_one(const std::uint8_t* data, std::size_t size) {
  std::string error;
  const auto o = parse_oscore_option(ByteView(data, size), &error);
  if (!o) {
    check(!error.empty(), "parse_oscore_option failed without an error message");
    return;
  }
  OscoreOptionFields fields;
  fields.partial_iv.assign(o->partial_iv.begin(), o->partial_iv.end());
  if (o->kid_context) fields.kid_context = Bytes(o->kid_context->begin(), o->kid_context->end());
  if (o->kid) fields.kid = Bytes(o->kid->begin(), o->kid->end());
  fields.kudos = o->kudos;
  fields.x = o->x;
  fields.nonce.assign(o->nonce.begin(), o->nonce.end());
  const Bytes again = encode_oscore_option(fields);
  const auto o2 = parse_oscore_option(view(again), &error);
  check(o2.has_value(), "re-encoded OSCORE option does not parse");
  check(same_view(o2->partial_iv, o->partial_iv), "Partial IV differs after round trip");
  check(same_optional(o2->kid_context, o->kid_context), "kid context differs after round trip");
  check(same_optional(o2->kid, o->kid), "kid differs after round trip");
  check(o2->kudos == o->kudos && o2->x == o->x && same_view(o2->nonce, o->nonce),
        "KUDOS fields differ after round trip");
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::oscore_option_one)
