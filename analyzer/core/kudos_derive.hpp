// KUDOS updateCtx(): the new Master Secret and Master Salt a KUDOS execution derives.
#pragma once
#include "core/context.hpp"

namespace oidu {

enum class KudosDerivation {
  Draft14,      // draft-ietf-core-oscore-key-update-14 section 4.2: sorted CBOR byte strings,
                // TLS-style ExpandLabel with length prefixes, Master Salt = X_N
  Draft07Style  // the Californium prototype (see captures/third-party/README.md): X and N
                // combined in sending order, label without a length prefix, Master Salt = N
};

const char* kudos_derivation_name(KudosDerivation d);  // "draft-14", "draft-07"

// One peer's KUDOS contribution: the 'x' byte and the nonce of its KUDOS message.
struct KudosContribution {
  std::uint8_t x = 0;
  Bytes nonce;
};

// CTX_TEMP protecting a divergent message that carries `sender` (draft-14: input1 = X|N,
// input2 = empty; older: X = X1, N = N1 raw). Returns CTX_IN with new secret and salt.
ContextMaterial kudos_temp_material(KudosDerivation d, const ContextMaterial& ctx_in,
                                    const KudosContribution& sender);
// CTX_NEW from both contributions. `first` is the contribution sent first (the divergent
// message's); draft-14 sorts, the older derivation concatenates in sending order.
ContextMaterial kudos_new_material(KudosDerivation d, const ContextMaterial& ctx_in,
                                   const KudosContribution& first,
                                   const KudosContribution& second);

}  // namespace oidu
