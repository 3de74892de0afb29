// Which context opens an OSCORE message: requests by kid (and kid context), responses
// through their request, KUDOS messages through CTX_TEMP / CTX_NEW derived from the wire.
#pragma once
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "analysis/association.hpp"
#include "analysis/context_store.hpp"
#include "analysis/exchanges.hpp"
#include "analysis/kudos_tracker.hpp"
#include "analysis/request_hints.hpp"
#include "core/context.hpp"
#include "wire/coap.hpp"
#include "wire/oscore_option.hpp"

namespace oidu {

// The contexts a resolver may add: other ID Contexts of known keys (RFC 8613 B.2, or a
// kid context on the wire). The engine makes them, so that they join the lineage and are
// reported like every other context.
class IdContextVariants {
 public:
  virtual ContextSlot& id_context_variant(ContextSlot& base, const Bytes& id_context) = 0;

 protected:
  ~IdContextVariants() = default;
};

// A message some context verified.
struct Opened {
  ContextSlot* base = nullptr;                 // the slot it belongs to or derives from
  std::shared_ptr<SecurityContext> derived;    // KUDOS CTX_TEMP or CTX_NEW, not yet in a slot
  bool kudos_temp = false;
  bool kudos_new = false;
  KudosDerivation derivation = KudosDerivation::Draft14;
  Role sender = Role::Client;                  // as the slot's IDs say; settled by the engine
  const InnerMessage* inner = nullptr;         // the plaintext, valid until the next resolve()
  std::uint64_t key_digest = 0;                // of the sender key, for the nonce tracker
  ByteView nonce_id, nonce_piv;
};

// A message no context opened, and why.
struct Unopened {
  DecryptStatus status = DecryptStatus::NoContext;  // NoContext, Failed or Malformed
  UnopenedReason reason = UnopenedReason::UnknownKid;
  std::string problem;
  std::vector<ContextSlot*> contexts;  // Failed: the contexts tried, Malformed: the one that decrypted it
  std::string hint;                    // Failed: what the key file probably lacks
};

struct Resolution {
  // The exchange: a response's request (nullptr for requests or when none matches), and
  // the request's kid and Partial IV (views into the option or into the pending request).
  PendingRequest* request = nullptr;
  ByteView request_kid, request_piv;
  std::variant<Opened, Unopened> result;
};

class ContextResolver {
 public:
  ContextResolver(ContextStore& store, ExchangeTable& exchanges, const KudosTracker& kudos,
                  IdContextVariants& variants)
      : store_(store), exchanges_(exchanges), kudos_(kudos), variants_(variants) {}

  Resolution resolve(const Frame& frame, const CoapMessage& coap, const OscoreOption& option);

  // For a request a few frames ahead, once the store's entry for `kid` is loaded
  // (ContextStore::prefetch): the slot resolve() will try first, to load next.
  const ContextSlot* likely_slot(const Endpoint& src, ByteView kid) const;

 private:
  struct Candidate {
    ContextSlot* base = nullptr;
    std::shared_ptr<SecurityContext> derived;
    bool kudos_temp = false;
    bool kudos_new = false;
    KudosDerivation derivation = KudosDerivation::Draft14;
  };
  // The slots to try, from the kid or the request; sets `r`'s exchange, or its result
  // when the message cannot have a context.
  void find_bases(const Frame& frame, const CoapMessage& coap, const OscoreOption& option, Resolution& r);
  void add_id_context_variants(const OscoreOption& option, bool is_request, const PendingRequest* request);
  // One candidate's try: its sender and AEAD inputs, and whether it opened the message
  // (the plaintext is then in plaintext_).
  struct Attempt {
    Role sender = Role::Client;
    AeadInputs in;
  };
  bool attempt(const Candidate& c, const Resolution& r, bool is_request, const OscoreOption& option,
               ByteView ciphertext, Attempt& a);
  // The result of a message `c` opened: its plaintext parsed, or Malformed.
  void finish_opened(const Candidate& c, const Attempt& a, Resolution& r);
  // The association's other live slots, after a response's request slot.
  void add_association_slots(const ContextSlot& request_slot);
  // The candidates of bases_[first_base...]; returns a hint for a failure's problem ("" if none).
  std::string build_candidates(const OscoreOption& option, bool is_request, ByteView request_kid, Role requester,
                               std::size_t first_base);

  ContextStore& store_;
  ExchangeTable& exchanges_;
  const KudosTracker& kudos_;
  IdContextVariants& variants_;
  Role requester_ = Role::Client;
  // A plain response's request slot, whose association's other slots find_bases left for
  // when that slot fails (nullptr: none left).
  const ContextSlot* deferred_slots_of_ = nullptr;
  RequestHints hints_;
  // Reused from message to message, so the hot path does not allocate.
  std::vector<ContextSlot*> bases_;
  std::vector<Candidate> candidates_;
  Bytes plaintext_;
  InnerMessage inner_;
};

}  // namespace oidu
