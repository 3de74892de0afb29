// One verified OSCORE message as the trackers see it: its record, frame, CoAP message,
// OSCORE option and plaintext, and the association and context that opened it.
#pragma once
#include "analysis/association.hpp"
#include "analysis/exchanges.hpp"
#include "wire/coap.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {

// One verified OSCORE message, as the trackers see it.
struct Observed {
  MessageRecord& rec;
  const Frame& frame;
  const CoapMessage& coap;
  const OscoreOption& option;
  const InnerMessage& inner;
  Association& assoc;
  ContextSlot& slot;
  Role sender;
  PendingRequest* request;   // responses: the request answered
};

}  // namespace oidu
