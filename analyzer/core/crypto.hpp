// HKDF and the AEAD algorithms OSCORE uses, all through OpenSSL 3 EVP.
#pragma once
#include <array>
#include <memory>
#include <string_view>

#include "core/bytes.hpp"

namespace oidu {

enum class HkdfHash { Sha256, Sha512 };  // COSE -10 HKDF-SHA-256, -11 HKDF-SHA-512

struct AeadInfo {
  int cose_id;              // COSE algorithm identifier
  const char* name;         // COSE name, e.g. "AES-CCM-16-64-128"
  std::size_t key_len;      // bytes
  std::size_t nonce_len;    // bytes
  std::size_t tag_len;      // bytes
};

// The twelve AEADs of the engine: AES-CCM-16/64-64/128-128/256 (10-13, 30-33),
// A128GCM (1), A192GCM (2), A256GCM (3), ChaCha20/Poly1305 (24). nullptr if unknown.
const AeadInfo* aead_by_id(int cose_id);
// Accepts the COSE name, the decimal id, and Wireshark's key-table names
// ("AES-CCM-16-64-128 (CCM*)"). Case-insensitive. nullptr if unknown.
const AeadInfo* aead_by_name(std::string_view name);
// The list of all supported AEADs (for help texts and tests).
std::span<const AeadInfo> all_aeads();

// Accepts "HKDF-SHA-256", "HKDF-SHA-512", "-10", "-11", "SHA-256", "SHA-512".
std::optional<HkdfHash> hkdf_by_name(std::string_view name);
const char* hkdf_name(HkdfHash hash);

Bytes hkdf_extract(HkdfHash hash, ByteView salt, ByteView ikm);
Bytes hkdf_expand(HkdfHash hash, ByteView prk, ByteView info, std::size_t length);
// Extract then expand (RFC 5869); an empty salt means a zero-filled salt of hash length.
Bytes hkdf(HkdfHash hash, ByteView salt, ByteView ikm, ByteView info, std::size_t length);

// One key of one AEAD algorithm. It holds only the key: the keyed OpenSSL cipher
// contexts are per thread, one per algorithm and direction, and re-keyed when a message
// needs another key (key_contexts() in crypto.cpp). Re-keying an existing context costs
// less than a cache miss does (about 70 ns), while a context per key costs over 600
// bytes and an allocation: with 100,000 contexts, 120 MiB, most of it cold.
class AeadKey {
 public:
  AeadKey(const AeadInfo& alg, ByteView key);
  ~AeadKey();
  AeadKey(AeadKey&&) noexcept;
  AeadKey& operator=(AeadKey&&) noexcept;
  AeadKey(const AeadKey&) = delete;
  AeadKey& operator=(const AeadKey&) = delete;

  const AeadInfo& alg() const { return *alg_; }

  // out = ciphertext || tag. Returns false only on an OpenSSL error or a wrong nonce length.
  bool seal(ByteView nonce, ByteView aad, ByteView plaintext, Bytes& out) const;
  // input = ciphertext || tag. Returns false when the tag does not verify (out is then empty).
  bool open(ByteView nonce, ByteView aad, ByteView input, Bytes& out) const;

 private:
  static constexpr std::size_t kMaxKeyLength = 32;
  const AeadInfo* alg_;
  // Tells this key apart in the per-thread contexts: unique for the process, never 0
  // (0: unusable, a wrong length or an algorithm OpenSSL lacks).
  std::uint64_t serial_ = 0;
  std::array<std::uint8_t, kMaxKeyLength> key_{};
};

}  // namespace oidu
