// RFC 8613 Security Context: derivation (3.2), AEAD nonce (5.2), external AAD and
// Enc_structure (5.3, 5.4), and the AEAD step of protect/unprotect.
//
// The engine watches both peers, so a context is kept symmetric: the shared material
// plus the keys of any Sender ID asked for, derived once and cached. Which peer is the
// client is decided from the traffic, not from the key file.
#pragma once
#include <algorithm>
#include <memory>
#include <optional>

#include "core/bytes.hpp"
#include "core/crypto.hpp"

namespace oidu {

// What two peers share: the input of RFC 8613 section 3.2 minus the IDs.
struct ContextMaterial {
  Bytes master_secret;
  Bytes master_salt;                 // empty = absent (RFC 8613: default empty byte string)
  std::optional<Bytes> id_context;   // nullopt = absent (CBOR nil in the info)
  int aead = 10;                     // COSE id
  HkdfHash hkdf = HkdfHash::Sha256;

  // (Master Secret, Master Salt, ID Context): the triple under which the ID update draft
  // forbids reusing Recipient IDs.
  bool same_triple(const ContextMaterial& other) const;
};

// The CBOR info array of RFC 8613 3.2.1: [id, id_context, alg_aead, type, L].
Bytes derivation_info(ByteView id, const std::optional<Bytes>& id_context, int aead,
                      std::string_view type, std::size_t length);
// Sender/Recipient Key for `id` (type "Key"), and the Common IV (type "IV", empty id).
Bytes derive_key(const ContextMaterial& m, ByteView id);
Bytes derive_common_iv(const ContextMaterial& m);

// RFC 8613 5.2: pad ID_PIV and PIV, build the nonce, XOR with the Common IV.
Bytes aead_nonce(ByteView common_iv, ByteView id_piv, ByteView piv);
// RFC 8613 5.4: external_aad = [1, [alg], request_kid, request_piv, options(class I)].
Bytes external_aad(int aead, ByteView request_kid, ByteView request_piv, ByteView class_i_options);
// RFC 8613 5.3: Enc_structure = ["Encrypt0", h'', external_aad], CBOR-encoded.
Bytes enc_structure(ByteView external_aad);

// Everything that decides one AEAD operation of an OSCORE message.
struct AeadInputs {
  ByteView sender_id;     // selects the key: the ID of the peer that protected the message
  ByteView nonce_id;      // ID_PIV: the sender ID of the peer that generated `nonce_piv`
  ByteView nonce_piv;     // the Partial IV used in the nonce
  ByteView request_kid;   // request_kid of the external AAD
  ByteView request_piv;   // request_piv of the external AAD
  ByteView class_i = {};  // class I options (none defined today)
  // The Common IV of the nonce, when it is not this context's own: a response without a
  // Partial IV reuses its request's AEAD nonce, which was made with the request's context
  // (libcoap's RFC 8613 B.2 4.01 is protected with the re-derived context R2||ID1 but the
  // nonce of request #1, made with ID1). Empty: this context's Common IV.
  ByteView nonce_common_iv = {};
};

class SecurityContext {
 public:
  // Throws std::invalid_argument if material.aead is not one of all_aeads().
  explicit SecurityContext(ContextMaterial material);

  const ContextMaterial& material() const { return material_; }
  // Derived on first use, like the keys: a key file of 100,000 contexts loads without
  // 100,000 HKDFs, and a context no message names never pays one.
  const Bytes& common_iv() const;
  std::size_t max_id_length() const;  // nonce length - 6 (RFC 8613 3.3)

  // The key protecting messages sent by `sender_id`, derived on first use and cached.
  AeadKey& key_for(ByteView sender_id);
  const Bytes& raw_key_for(ByteView sender_id);
  // A 64-bit digest of that key, computed once: tells keys apart without reading them.
  std::uint64_t key_digest(ByteView sender_id);

  // One step of loading this context's keys ahead of use, for a message a few frames
  // ahead: step 0 the key list, 1 the keys (kPrefetchSteps in all). Each step reads only
  // what the previous one loaded.
  static constexpr int kPrefetchSteps = 2;
  void prefetch(int step) const;

  bool seal(const AeadInputs& in, ByteView plaintext, Bytes& ciphertext);
  bool open(const AeadInputs& in, ByteView ciphertext, Bytes& plaintext);
  // The nonce that `in` produces (for NONCE_REUSE detection).
  Bytes nonce(const AeadInputs& in) const;

 private:
  struct Keys {
    Bytes id;
    Bytes raw;
    AeadKey aead;
    std::uint64_t digest;
  };
  Keys& keys(ByteView sender_id);
  ByteView nonce_iv(const AeadInputs& in) const;
  const Bytes& prk() const;  // HKDF-Extract(Master Salt, Master Secret), on first use

  ContextMaterial material_;
  const AeadInfo* alg_;
  mutable Bytes common_iv_;   // empty until common_iv() derives it (never empty after)
  mutable Bytes prk_;         // empty until prk() extracts it
  // A context has two Sender IDs (a few more when one side's IDs are tried both ways),
  // so a short list scanned in place beats any tree. Each entry leads with its ID packed
  // into a word (exact up to 7 bytes), so the scan compares words and touches only the
  // key it finds: with thousands of contexts, every pointer followed is a cache miss.
  std::vector<std::pair<std::uint64_t, std::unique_ptr<Keys>>> keys_;
};

}  // namespace oidu
