#include "core/context.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "core/cbor.hpp"

namespace oidu {

namespace {

constexpr std::size_t kPivLength = 5;        // RFC 8613 5.2: PIV padded to 5 bytes
constexpr std::size_t kMaxNonceLength = 16;  // above every AEAD of all_aeads()

// RFC 8613 5.2 into `out` (nonce length = common IV length); false if an input is too long.
bool write_nonce(std::span<std::uint8_t> out, ByteView common_iv, ByteView id_piv, ByteView piv) {
  const std::size_t n = common_iv.size();
  if (n < 1 + kPivLength || n > out.size()) return false;
  const std::size_t id_field = n - 1 - kPivLength;
  if (id_piv.size() > id_field || piv.size() > kPivLength) return false;
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), std::uint8_t{0});
  out[0] = static_cast<std::uint8_t>(id_piv.size());
  std::copy(id_piv.begin(), id_piv.end(), out.begin() + static_cast<std::ptrdiff_t>(1 + id_field - id_piv.size()));
  std::copy(piv.begin(), piv.end(), out.begin() + static_cast<std::ptrdiff_t>(n - piv.size()));
  for (std::size_t i = 0; i < n; ++i) out[i] ^= common_iv[i];
  return true;
}

// RFC 8613 5.4: external_aad = [1, [alg], request_kid, request_piv, options(class I)].
struct ExternalAad {
  int aead;
  ByteView request_kid, request_piv, class_i;

  std::size_t size() const {
    return 3 + cbor::int_size(aead) + cbor::bstr_size(request_kid) + cbor::bstr_size(request_piv) +
           cbor::bstr_size(class_i);
  }
  std::uint8_t* write(std::uint8_t* out) const {
    *out++ = 0x85;  // array(5)
    *out++ = 0x01;  // oscore_version 1
    *out++ = 0x81;  // array(1)
    out = cbor::write_int(out, aead);
    out = cbor::write_bstr(out, request_kid);
    out = cbor::write_bstr(out, request_piv);
    return cbor::write_bstr(out, class_i);
  }
};

// RFC 8613 5.3: Enc_structure = ["Encrypt0", h'', external_aad]; `write_external` writes
// the external_aad's `external_size` bytes in place.
constexpr std::uint8_t kEncStructurePrefix[] = {0x83, 0x68, 'E', 'n', 'c', 'r', 'y', 'p', 't', '0', 0x40};

template <typename WriteExternal>
void write_enc_structure(Bytes& out, std::size_t external_size, WriteExternal write_external) {
  out.resize(sizeof kEncStructurePrefix + cbor::head_size(external_size) + external_size);
  std::uint8_t* p = std::copy(std::begin(kEncStructurePrefix), std::end(kEncStructurePrefix), out.data());
  write_external(cbor::write_head(p, 2, external_size));
}

// The AEAD's associated data for one message, built in one pass into a thread-local
// buffer that stops allocating once it has grown to a message's size.
ByteView message_aad(int aead, const AeadInputs& in) {
  thread_local Bytes aad;
  const ExternalAad ext{aead, in.request_kid, in.request_piv, in.class_i};
  write_enc_structure(aad, ext.size(), [&](std::uint8_t* p) { ext.write(p); });
  return aad;
}

}  // namespace

bool ContextMaterial::same_triple(const ContextMaterial& other) const {
  return master_secret == other.master_secret && master_salt == other.master_salt && id_context == other.id_context;
}

Bytes derivation_info(ByteView id, const std::optional<Bytes>& id_context, int aead, std::string_view type,
                      std::size_t length) {
  Bytes out;
  cbor::put_array_header(out, 5);
  cbor::put_bstr(out, id);
  if (id_context)
    cbor::put_bstr(out, *id_context);
  else
    cbor::put_null(out);
  cbor::put_int(out, aead);
  cbor::put_tstr(out, type);
  cbor::put_uint(out, length);
  return out;
}

namespace {

// RFC 8613 3.2.1 with the extract step done: every key and IV of a context expands the
// same PRK = HKDF-Extract(Master Salt, Master Secret).
Bytes prk_of(const ContextMaterial& m) { return hkdf_extract(m.hkdf, m.master_salt, m.master_secret); }

Bytes expand_key(const ContextMaterial& m, ByteView prk, ByteView id) {
  const AeadInfo* alg = aead_by_id(m.aead);
  if (alg == nullptr || prk.empty()) return {};
  return hkdf_expand(m.hkdf, prk, derivation_info(id, m.id_context, m.aead, "Key", alg->key_len), alg->key_len);
}

Bytes expand_common_iv(const ContextMaterial& m, ByteView prk) {
  const AeadInfo* alg = aead_by_id(m.aead);
  if (alg == nullptr || prk.empty()) return {};
  return hkdf_expand(m.hkdf, prk, derivation_info({}, m.id_context, m.aead, "IV", alg->nonce_len), alg->nonce_len);
}

}  // namespace

Bytes derive_key(const ContextMaterial& m, ByteView id) { return expand_key(m, prk_of(m), id); }

Bytes derive_common_iv(const ContextMaterial& m) { return expand_common_iv(m, prk_of(m)); }

Bytes aead_nonce(ByteView common_iv, ByteView id_piv, ByteView piv) {
  std::array<std::uint8_t, kMaxNonceLength> buf{};
  if (!write_nonce(buf, common_iv, id_piv, piv)) return {};
  return Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(common_iv.size()));
}

Bytes external_aad(int aead, ByteView request_kid, ByteView request_piv, ByteView class_i_options) {
  const ExternalAad ext{aead, request_kid, request_piv, class_i_options};
  Bytes out(ext.size());
  ext.write(out.data());
  return out;
}

Bytes enc_structure(ByteView external_aad) {
  Bytes out;
  write_enc_structure(out, external_aad.size(),
                      [&](std::uint8_t* p) { std::copy(external_aad.begin(), external_aad.end(), p); });
  return out;
}

SecurityContext::SecurityContext(ContextMaterial material)
    : material_(std::move(material)), alg_(aead_by_id(material_.aead)) {
  if (alg_ == nullptr) throw std::invalid_argument("unsupported AEAD algorithm " + std::to_string(material_.aead));
}

const Bytes& SecurityContext::common_iv() const {
  if (common_iv_.empty()) common_iv_ = expand_common_iv(material_, prk());
  return common_iv_;
}

const Bytes& SecurityContext::prk() const {
  if (prk_.empty()) prk_ = prk_of(material_);
  return prk_;
}

std::size_t SecurityContext::max_id_length() const { return alg_->nonce_len - 1 - kPivLength; }

SecurityContext::Keys& SecurityContext::keys(ByteView sender_id) {
  const std::uint64_t packed = pack_short(sender_id);
  for (auto& [word, k] : keys_) {
    if (word == packed && (sender_id.size() <= kPackedExactLength || same_bytes(k->id, sender_id))) return *k;
  }
  Bytes raw = expand_key(material_, prk(), sender_id);
  AeadKey key(*alg_, raw);
  const std::uint64_t digest = fnv1a(raw);
  keys_.emplace_back(packed, std::make_unique<Keys>(Keys{Bytes(sender_id.begin(), sender_id.end()), std::move(raw),
                                                         std::move(key), digest}));
  return *keys_.back().second;
}

AeadKey& SecurityContext::key_for(ByteView sender_id) { return keys(sender_id).aead; }

void SecurityContext::prefetch(int step) const {
  if (step == 0) {
    __builtin_prefetch(keys_.data());
    __builtin_prefetch(common_iv_.data());
    return;
  }
  for (const auto& entry : keys_) {
    const auto* k = reinterpret_cast<const char*>(entry.second.get());
    for (std::size_t offset = 0; offset < sizeof(Keys); offset += 64) __builtin_prefetch(k + offset);
  }
}

const Bytes& SecurityContext::raw_key_for(ByteView sender_id) { return keys(sender_id).raw; }

std::uint64_t SecurityContext::key_digest(ByteView sender_id) { return keys(sender_id).digest; }

bool SecurityContext::seal(const AeadInputs& in, ByteView plaintext, Bytes& ciphertext) {
  std::array<std::uint8_t, kMaxNonceLength> nonce_buf{};
  if (!write_nonce(nonce_buf, common_iv(), in.nonce_id, in.nonce_piv)) {
    ciphertext.clear();
    return false;
  }
  const ByteView nonce_view(nonce_buf.data(), common_iv_.size());
  return key_for(in.sender_id).seal(nonce_view, message_aad(material_.aead, in), plaintext, ciphertext);
}

bool SecurityContext::open(const AeadInputs& in, ByteView ciphertext, Bytes& plaintext) {
  std::array<std::uint8_t, kMaxNonceLength> nonce_buf{};
  const ByteView iv = nonce_iv(in);
  if (iv.size() != common_iv().size() || !write_nonce(nonce_buf, iv, in.nonce_id, in.nonce_piv)) {
    plaintext.clear();
    return false;
  }
  const ByteView nonce_view(nonce_buf.data(), common_iv_.size());
  return key_for(in.sender_id).open(nonce_view, message_aad(material_.aead, in), ciphertext, plaintext);
}

ByteView SecurityContext::nonce_iv(const AeadInputs& in) const {
  return in.nonce_common_iv.empty() ? ByteView(common_iv()) : in.nonce_common_iv;
}

Bytes SecurityContext::nonce(const AeadInputs& in) const { return aead_nonce(nonce_iv(in), in.nonce_id, in.nonce_piv); }

}  // namespace oidu
