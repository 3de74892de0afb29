#include "core/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <climits>
#include <initializer_list>

namespace oidu {

namespace {

constexpr std::array<AeadInfo, 12> kAeads{{
    {10, "AES-CCM-16-64-128", 16, 13, 8},
    {11, "AES-CCM-16-64-256", 32, 13, 8},
    {12, "AES-CCM-64-64-128", 16, 7, 8},
    {13, "AES-CCM-64-64-256", 32, 7, 8},
    {30, "AES-CCM-16-128-128", 16, 13, 16},
    {31, "AES-CCM-16-128-256", 32, 13, 16},
    {32, "AES-CCM-64-128-128", 16, 7, 16},
    {33, "AES-CCM-64-128-256", 32, 7, 16},
    {1, "A128GCM", 16, 12, 16},
    {2, "A192GCM", 24, 12, 16},
    {3, "A256GCM", 32, 12, 16},
    {24, "ChaCha20/Poly1305", 32, 12, 16},
}};

bool is_ccm(int cose_id) { return (cose_id >= 10 && cose_id <= 13) || (cose_id >= 30 && cose_id <= 33); }

const char* openssl_cipher_name(const AeadInfo& alg) {
  if (is_ccm(alg.cose_id)) return alg.key_len == 16 ? "AES-128-CCM" : "AES-256-CCM";
  switch (alg.cose_id) {
    case 1: return "AES-128-GCM";
    case 2: return "AES-192-GCM";
    case 3: return "AES-256-GCM";
    default: return "ChaCha20-Poly1305";
  }
}

// Fetched once for the process: an explicit fetch per key would take the provider
// lock and search the method store each time.
const EVP_CIPHER* cipher_for(const AeadInfo& alg) {
  static const std::array<EVP_CIPHER*, kAeads.size()> table = [] {
    std::array<EVP_CIPHER*, kAeads.size()> t{};
    for (std::size_t i = 0; i < kAeads.size(); ++i) t[i] = EVP_CIPHER_fetch(nullptr, openssl_cipher_name(kAeads[i]), nullptr);
    return t;
  }();
  for (std::size_t i = 0; i < kAeads.size(); ++i)
    if (kAeads[i].cose_id == alg.cose_id) return table[i];
  return nullptr;
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// OpenSSL reads through these pointers only for the given length; an empty span may have
// a null data() that some providers take as "parameter absent".
const unsigned char* nonnull(ByteView v) {
  static const unsigned char empty = 0;
  return v.empty() ? &empty : v.data();
}

std::size_t hash_len(HkdfHash hash) { return hash == HkdfHash::Sha256 ? 32 : 64; }

// HMAC (RFC 2104) through one EVP_MAC context per thread and hash, keyed anew for each
// call: EVP_KDF's HKDF fetches HMAC and the digest again on every derivation, which
// cost more than the AEAD when a capture names thousands of contexts.
class Hmac {
 public:
  explicit Hmac(HkdfHash hash) {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return;
    ctx_ = EVP_MAC_CTX_new(mac);
    char digest[] = "SHA256";
    char digest512[] = "SHA512";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, hash == HkdfHash::Sha256 ? digest : digest512, 0),
        OSSL_PARAM_construct_end()};
    if (ctx_ != nullptr && EVP_MAC_CTX_set_params(ctx_, params) != 1) {
      EVP_MAC_CTX_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~Hmac() {
    EVP_MAC_CTX_free(ctx_);
    OPENSSL_cleanse(last_key_.data(), last_key_.size());
  }
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;

  // HMAC(key, parts...) into `out` (the hash length); false on an OpenSSL error.
  bool mac(ByteView key, std::initializer_list<ByteView> parts, std::uint8_t* out, std::size_t out_size) {
    if (ctx_ == nullptr || !init(key)) return false;
    for (ByteView part : parts) {
      if (!part.empty() && EVP_MAC_update(ctx_, part.data(), part.size()) != 1) return false;
    }
    std::size_t written = 0;
    return EVP_MAC_final(ctx_, out, &written, out_size) == 1 && written == out_size;
  }

 private:
  // The three expansions of a context (two keys, the Common IV) share one PRK: for the
  // same key as last time, a null key makes OpenSSL restart from the keyed state it kept
  // instead of hashing the padded key again.
  bool init(ByteView key) {
    const bool same = last_len_ == key.size() && std::equal(key.begin(), key.end(), last_key_.begin());
    if (same) return EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1;
    last_len_ = kNoKey;
    if (EVP_MAC_init(ctx_, nonnull(key), key.size(), nullptr) != 1) return false;
    if (key.size() <= last_key_.size()) {
      std::copy(key.begin(), key.end(), last_key_.begin());
      last_len_ = key.size();
    }
    return true;
  }

  static constexpr std::size_t kNoKey = ~std::size_t{0};
  EVP_MAC_CTX* ctx_ = nullptr;
  std::array<std::uint8_t, 64> last_key_{};  // a PRK is at most 64 bytes; longer keys are not kept
  std::size_t last_len_ = kNoKey;
};

Hmac& hmac_for(HkdfHash hash) {
  thread_local Hmac sha256(HkdfHash::Sha256), sha512(HkdfHash::Sha512);
  return hash == HkdfHash::Sha256 ? sha256 : sha512;
}

constexpr std::size_t kMaxHashLen = 64;

}  // namespace

// RFC 5869 2.2; an empty salt is HashLen zero bytes, which HMAC pads to the same block
// as a zero-length key.
Bytes hkdf_extract(HkdfHash hash, ByteView salt, ByteView ikm) {
  Bytes prk(hash_len(hash));
  if (!hmac_for(hash).mac(salt, {ikm}, prk.data(), prk.size())) return {};
  return prk;
}

// RFC 5869 2.3: T(i) = HMAC(PRK, T(i-1) | info | i), at most 255 blocks.
Bytes hkdf_expand(HkdfHash hash, ByteView prk, ByteView info, std::size_t length) {
  const std::size_t n = hash_len(hash);
  if (length == 0 || length > 255 * n) return {};
  Hmac& h = hmac_for(hash);
  Bytes out(length);
  std::array<std::uint8_t, kMaxHashLen> block{};
  std::size_t done = 0;
  for (std::uint8_t i = 1; done < length; ++i) {
    const std::uint8_t counter[] = {i};
    const ByteView previous = i == 1 ? ByteView{} : ByteView(block.data(), n);
    if (!h.mac(prk, {previous, info, ByteView(counter, 1)}, block.data(), n)) return {};
    const std::size_t take = std::min(n, length - done);
    std::copy_n(block.begin(), take, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += take;
  }
  return out;
}

Bytes hkdf(HkdfHash hash, ByteView salt, ByteView ikm, ByteView info, std::size_t length) {
  if (length == 0) return {};
  const Bytes prk = hkdf_extract(hash, salt, ikm);
  return prk.empty() ? Bytes{} : hkdf_expand(hash, prk, info, length);
}

const AeadInfo* aead_by_id(int cose_id) {
  for (const AeadInfo& a : kAeads)
    if (a.cose_id == cose_id) return &a;
  return nullptr;
}

const AeadInfo* aead_by_name(std::string_view name) {
  std::string s = lower_trimmed(name);
  // Wireshark's key table decorates names ("AES-CCM-16-64-128 (CCM*)").
  if (!s.empty() && s.back() == ')') {
    const auto open = s.rfind(" (");
    if (open != std::string::npos) s = lower_trimmed(std::string_view(s).substr(0, open));
  }
  if (s.empty()) return nullptr;
  int id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec == std::errc() && end == s.data() + s.size()) return aead_by_id(id);
  if (s == "chacha20-poly1305") return aead_by_id(24);
  for (const AeadInfo& a : kAeads)
    if (iequals(a.name, s)) return &a;
  return nullptr;
}

std::span<const AeadInfo> all_aeads() { return kAeads; }

std::optional<HkdfHash> hkdf_by_name(std::string_view name) {
  const std::string s = lower_trimmed(name);
  if (s == "hkdf-sha-256" || s == "-10" || s == "sha-256") return HkdfHash::Sha256;
  if (s == "hkdf-sha-512" || s == "-11" || s == "sha-512") return HkdfHash::Sha512;
  return std::nullopt;
}

const char* hkdf_name(HkdfHash hash) { return hash == HkdfHash::Sha256 ? "HKDF-SHA-256" : "HKDF-SHA-512"; }

namespace {

bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

// The cipher contexts of one thread: one per algorithm and direction (1 = seal, 0 = open),
// each remembering which key it holds. The algorithm's parameters are set once, when the
// context is made; a different key then only costs its key schedule. Threads do not
// share them (the CLI's --jobs threads, Wireshark's), so no lock is taken.
class KeyContexts {
 public:
  KeyContexts() = default;
  KeyContexts(const KeyContexts&) = delete;
  KeyContexts& operator=(const KeyContexts&) = delete;
  ~KeyContexts() {
    for (auto& direction : slots_)
      for (Slot& slot : direction) EVP_CIPHER_CTX_free(slot.ctx);  // also cleanses the key schedule
  }

  // The context of `alg` for `direction`, holding the key `serial` (`key`) and started on
  // `nonce`: nullptr on an OpenSSL error. A new key and the nonce go in with one call.
  EVP_CIPHER_CTX* started(const AeadInfo& alg, int direction, std::uint64_t serial, const std::uint8_t* key,
                          const std::uint8_t* nonce) {
    Slot& slot = slots_[direction][static_cast<std::size_t>(&alg - kAeads.data())];
    if (slot.ctx == nullptr && !make(slot, alg, direction)) return nullptr;
    const bool same_key = slot.serial == serial;
    slot.serial = 0;  // until the call succeeds: a failure must not leave a stale match
    if (EVP_CipherInit_ex2(slot.ctx, nullptr, same_key ? nullptr : key, nonce, direction, nullptr) != 1) return nullptr;
    slot.serial = serial;
    return slot.ctx;
  }

 private:
  struct Slot {
    EVP_CIPHER_CTX* ctx = nullptr;
    std::uint64_t serial = 0;
  };

  static bool make(Slot& slot, const AeadInfo& alg, int direction) {
    slot.ctx = EVP_CIPHER_CTX_new();
    if (slot.ctx == nullptr) return false;
    std::size_t ivlen = alg.nonce_len;
    OSSL_PARAM params[3];
    std::size_t n = 0;
    params[n++] = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen);
    // CCM fixes its tag length M and length-field size L before any key is set; a new
    // key keeps them.
    if (is_ccm(alg.cose_id)) params[n++] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, nullptr, alg.tag_len);
    params[n] = OSSL_PARAM_construct_end();
    if (EVP_CipherInit_ex2(slot.ctx, cipher_for(alg), nullptr, nullptr, direction, params) == 1) return true;
    EVP_CIPHER_CTX_free(slot.ctx);
    slot.ctx = nullptr;
    return false;
  }

  std::array<std::array<Slot, kAeads.size()>, 2> slots_{};
};

EVP_CIPHER_CTX* started_context(const AeadInfo& alg, int direction, std::uint64_t serial, const std::uint8_t* key,
                                const std::uint8_t* nonce) {
  thread_local KeyContexts contexts;
  return contexts.started(alg, direction, serial, key, nonce);
}

std::uint64_t next_key_serial() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

AeadKey::AeadKey(const AeadInfo& alg, ByteView key) : alg_(aead_by_id(alg.cose_id)) {
  if (alg_ == nullptr) {
    alg_ = &alg;  // not one of ours: alg() still answers, seal/open refuse
    return;
  }
  if (cipher_for(*alg_) == nullptr || key.size() != alg_->key_len) return;
  std::copy(key.begin(), key.end(), key_.begin());
  serial_ = next_key_serial();
}

AeadKey::~AeadKey() { OPENSSL_cleanse(key_.data(), key_.size()); }

AeadKey::AeadKey(AeadKey&& other) noexcept : alg_(other.alg_), serial_(other.serial_), key_(other.key_) {
  other.serial_ = 0;
  OPENSSL_cleanse(other.key_.data(), other.key_.size());
}

AeadKey& AeadKey::operator=(AeadKey&& other) noexcept {
  if (this != &other) {
    alg_ = other.alg_;
    serial_ = other.serial_;
    key_ = other.key_;
    other.serial_ = 0;
    OPENSSL_cleanse(other.key_.data(), other.key_.size());
  }
  return *this;
}

bool AeadKey::seal(ByteView nonce, ByteView aad, ByteView plaintext, Bytes& out) const {
  out.clear();
  if (serial_ == 0 || nonce.size() != alg_->nonce_len || !fits_int(plaintext.size()) || !fits_int(aad.size()))
    return false;
  EVP_CIPHER_CTX* c = started_context(*alg_, 1, serial_, key_.data(), nonce.data());
  if (c == nullptr) return false;
  const bool ccm = is_ccm(alg_->cose_id);
  int len = 0;
  // CCM authenticates the message length first (B_0), so it must be known before the AAD.
  if (ccm && EVP_EncryptUpdate(c, nullptr, &len, nullptr, static_cast<int>(plaintext.size())) != 1) return false;
  if (!aad.empty() && EVP_EncryptUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) return false;
  const std::size_t tag_len = alg_->tag_len;
  out.resize(plaintext.size() + tag_len);
  if (EVP_EncryptUpdate(c, out.data(), &len, nonnull(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      static_cast<std::size_t>(len) != plaintext.size()) {
    out.clear();
    return false;
  }
  int final_len = 0;
  OSSL_PARAM get_tag[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, out.data() + plaintext.size(), tag_len),
                           OSSL_PARAM_construct_end()};
  if (EVP_EncryptFinal_ex(c, out.data() + plaintext.size(), &final_len) != 1 || final_len != 0 ||
      EVP_CIPHER_CTX_get_params(c, get_tag) != 1) {
    out.clear();
    return false;
  }
  return true;
}

bool AeadKey::open(ByteView nonce, ByteView aad, ByteView input, Bytes& out) const {
  out.clear();
  const std::size_t tag_len = alg_->tag_len;
  if (serial_ == 0 || nonce.size() != alg_->nonce_len || input.size() < tag_len || !fits_int(input.size()) ||
      !fits_int(aad.size()))
    return false;
  const ByteView ciphertext = input.first(input.size() - tag_len);
  const ByteView tag = input.last(tag_len);
  EVP_CIPHER_CTX* c = started_context(*alg_, 0, serial_, key_.data(), nonce.data());
  if (c == nullptr) return false;
  const bool ccm = is_ccm(alg_->cose_id);
  int len = 0;
  OSSL_PARAM set_tag[2] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, const_cast<std::uint8_t*>(tag.data()), tag_len),
      OSSL_PARAM_construct_end()};
  if (EVP_CIPHER_CTX_set_params(c, set_tag) != 1) return false;
  if (ccm && EVP_DecryptUpdate(c, nullptr, &len, nullptr, static_cast<int>(ciphertext.size())) != 1) return false;
  if (!aad.empty() && EVP_DecryptUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) return false;
  out.resize(ciphertext.size());
  std::uint8_t sink = 0;  // a valid output address when the plaintext is empty
  std::uint8_t* dst = out.empty() ? &sink : out.data();
  // CCM verifies the tag inside this update; GCM and ChaCha20-Poly1305 in the final call.
  bool ok = EVP_DecryptUpdate(c, dst, &len, nonnull(ciphertext), static_cast<int>(ciphertext.size())) == 1 &&
            static_cast<std::size_t>(len) == ciphertext.size();
  if (ok && !ccm) {
    int final_len = 0;
    ok = EVP_DecryptFinal_ex(c, dst + ciphertext.size(), &final_len) == 1 && final_len == 0;
  }
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    out.clear();
    // A forged or corrupted message is an expected event here, not an error to report later.
    ERR_clear_error();
  }
  return ok;
}

}  // namespace oidu
