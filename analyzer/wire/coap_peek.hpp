// A first look at a CoAP datagram that allocates nothing and explains nothing: enough to
// find which table entries the engine will read for it, so they can be loaded from memory
// while earlier frames are still being analysed (see Engine::process_batch). The full,
// checked parse stays parse_coap's job; a datagram it would reject may still peek.
#pragma once
#include <optional>

#include "wire/coap.hpp"

namespace oidu {

struct CoapPeek {
  CoapType type = CoapType::Con;
  std::uint8_t code = 0;
  std::uint16_t message_id = 0;
  ByteView token;
  std::optional<ByteView> oscore;  // the OSCORE option's value, if there is one
};

std::optional<CoapPeek> peek_coap(ByteView datagram);

}  // namespace oidu
