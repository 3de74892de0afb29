#include "core/kudos_derive.hpp"

#include <algorithm>

#include "core/cbor.hpp"

namespace oidu {

namespace {

constexpr std::string_view kLabel = "oscore key update";
constexpr std::size_t kMaxCborHead = 9;  // initial byte plus an 8-byte length

void put_uint16(Bytes& out, std::size_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

Bytes x_then_nonce(const KudosContribution& c) {
  Bytes out;
  out.reserve(1 + c.nonce.size());
  out.push_back(c.x);
  out.insert(out.end(), c.nonce.begin(), c.nonce.end());
  return out;
}

ContextMaterial with_secret_and_salt(const ContextMaterial& ctx_in, Bytes secret, Bytes salt) {
  ContextMaterial out = ctx_in;
  out.master_secret = std::move(secret);
  out.master_salt = std::move(salt);
  return out;
}

// draft-14 4.2 updateCtx(input1, input2, CTX_IN).
ContextMaterial update_draft14(const ContextMaterial& ctx_in, ByteView input1, ByteView input2) {
  Bytes a = cbor::bstr(input1);
  Bytes b = cbor::bstr(input2);
  // Sorting makes X_N independent of which peer sent first.
  if (!std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end())) std::swap(a, b);
  Bytes x_n = std::move(a);
  x_n.insert(x_n.end(), b.begin(), b.end());

  // TLS 1.3-style ExpandLabel: uint16 length, label<7..255>, context<0..255>.
  const std::size_t length = ctx_in.master_secret.size();
  Bytes label;
  label.reserve(2 + 1 + kLabel.size() + 1 + x_n.size());
  put_uint16(label, length);
  label.push_back(static_cast<std::uint8_t>(kLabel.size()));
  label.insert(label.end(), kLabel.begin(), kLabel.end());
  label.push_back(static_cast<std::uint8_t>(x_n.size()));
  label.insert(label.end(), x_n.begin(), x_n.end());

  Bytes secret = hkdf_expand(ctx_in.hkdf, ctx_in.master_secret, label, length);
  return with_secret_and_salt(ctx_in, std::move(secret), std::move(x_n));
}

// The Californium prototype's derivation (captures/third-party/README.md): no length
// prefix on the label, X and N as separate byte strings, Master Salt = N.
ContextMaterial update_draft07(const ContextMaterial& ctx_in, ByteView x, ByteView n) {
  const std::size_t length = ctx_in.master_secret.size();
  Bytes info;
  info.reserve(2 + kLabel.size() + 2 * kMaxCborHead + x.size() + n.size());
  put_uint16(info, length);
  info.insert(info.end(), kLabel.begin(), kLabel.end());
  cbor::put_bstr(info, x);
  cbor::put_bstr(info, n);
  Bytes secret = hkdf_expand(ctx_in.hkdf, ctx_in.master_secret, info, length);
  return with_secret_and_salt(ctx_in, std::move(secret), Bytes(n.begin(), n.end()));
}

}  // namespace

const char* kudos_derivation_name(KudosDerivation d) {
  return d == KudosDerivation::Draft14 ? "draft-14" : "draft-07";
}

ContextMaterial kudos_temp_material(KudosDerivation d, const ContextMaterial& ctx_in,
                                    const KudosContribution& sender) {
  if (d == KudosDerivation::Draft14) return update_draft14(ctx_in, x_then_nonce(sender), {});
  const Bytes x{sender.x};
  return update_draft07(ctx_in, x, sender.nonce);
}

ContextMaterial kudos_new_material(KudosDerivation d, const ContextMaterial& ctx_in,
                                   const KudosContribution& first, const KudosContribution& second) {
  if (d == KudosDerivation::Draft14) return update_draft14(ctx_in, x_then_nonce(first), x_then_nonce(second));
  const Bytes x1{first.x};
  const Bytes x2{second.x};
  Bytes x = cbor::bstr(x1);
  cbor::put_bstr(x, x2);
  Bytes n = cbor::bstr(first.nonce);
  cbor::put_bstr(n, second.nonce);
  return update_draft07(ctx_in, x, n);
}

}  // namespace oidu
