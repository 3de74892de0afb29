#include "message_codec.hpp"

#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu_plugin {
namespace {

// Which optional parts a record holds.
enum Flag : std::uint32_t {
  kOscore = 1u << 0,
  kKid = 1u << 1,
  kKidContext = 1u << 2,
  kKudos = 1u << 3,
  kDerivation = 1u << 4,
  kInnerCode = 1u << 5,
  kPlaintext = 1u << 6,
  kRequestFrame = 1u << 7,
  kProcedure = 1u << 8,
};

bool is_id_option(std::uint16_t number) {
  return number == oidu::kOptRecipientId || number == oidu::kOptRecipientIdAck;
}

class Writer {
 public:
  explicit Writer(oidu::Bytes& out) : out_(out) {}
  void byte(std::uint8_t b) { out_.push_back(b); }
  // LEB128: frame numbers and lengths mostly fit in one to three bytes.
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void bytes(oidu::ByteView b) {
    varint(b.size());
    out_.insert(out_.end(), b.begin(), b.end());
  }
  void text(std::string_view s) {
    varint(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }

 private:
  oidu::Bytes& out_;
};

class Reader {
 public:
  explicit Reader(const std::uint8_t* at) : at_(at) {}
  std::uint8_t byte() { return *at_++; }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
      const std::uint8_t b = *at_++;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  oidu::ByteView bytes() {
    const auto size = static_cast<std::size_t>(varint());
    const oidu::ByteView b(at_, size);
    at_ += size;
    return b;
  }
  std::string_view text() {
    const oidu::ByteView b = bytes();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

 private:
  const std::uint8_t* at_;
};

std::uint32_t flags_of(const oidu::MessageRecord& m) {
  std::uint32_t f = 0;
  if (m.oscore) f |= kOscore;
  if (m.kid) f |= kKid;
  if (m.kid_context) f |= kKidContext;
  if (m.kudos) f |= kKudos;
  if (m.kudos && m.kudos->derivation) f |= kDerivation;
  if (m.inner_code) f |= kInnerCode;
  if (m.inner_code && m.status == oidu::DecryptStatus::Decrypted) f |= kPlaintext;
  if (m.request_frame) f |= kRequestFrame;
  if (m.procedure) f |= kProcedure;
  return f;
}

// The inner message as it was on the wire, so the tree can parse and highlight it.
oidu::Bytes plaintext_of(const oidu::MessageRecord& m) {
  std::vector<oidu::CoapOption> options;
  options.reserve(m.inner_options.size());
  for (const auto& o : m.inner_options) options.push_back({o.number, oidu::view(o.value)});
  return oidu::encode_inner(*m.inner_code, options, oidu::view(m.payload));
}

}  // namespace

void pack_message(const oidu::MessageRecord& m, StringPool& strings, oidu::Bytes& out) {
  Writer w(out);
  const std::uint32_t flags = flags_of(m);
  w.varint(flags);
  w.byte(static_cast<std::uint8_t>(m.status));
  w.text(m.problem);
  w.varint(strings.intern(m.context));
  w.varint(strings.intern(m.context_origin ? oidu::context_origin_name(*m.context_origin) : ""));
  w.varint(strings.intern(oidu::message_role_name(m.role)));
  w.varint(strings.intern(m.peer_states ? oidu::peer_states_text(*m.peer_states) : ""));
  if (flags & kRequestFrame) w.varint(*m.request_frame);
  if (flags & kProcedure) w.varint(*m.procedure);
  w.bytes(oidu::view(m.partial_iv));
  if (flags & kKid) w.bytes(oidu::view(*m.kid));
  if (flags & kKidContext) w.bytes(oidu::view(*m.kid_context));
  if (flags & kKudos) {
    w.byte(m.kudos->x);
    w.bytes(oidu::view(m.kudos->nonce));
    if (flags & kDerivation) w.byte(static_cast<std::uint8_t>(*m.kudos->derivation));
  }
  std::size_t id_options = 0;
  for (const auto& o : m.outer_options) id_options += is_id_option(o.number) ? 1 : 0;
  w.varint(id_options);
  for (const auto& o : m.outer_options) {
    if (!is_id_option(o.number)) continue;
    w.varint(o.number);
    w.bytes(oidu::view(o.value));
  }
  if (flags & kInnerCode) w.byte(*m.inner_code);
  if (flags & kPlaintext) w.bytes(oidu::view(plaintext_of(m)));
}

StoredMessage unpack_message(const std::uint8_t* record, const StringPool& strings) {
  Reader r(record);
  StoredMessage m;
  const auto flags = static_cast<std::uint32_t>(r.varint());
  m.status = static_cast<oidu::DecryptStatus>(r.byte());
  m.problem = r.text();
  m.context = strings.at(static_cast<std::uint32_t>(r.varint()));
  m.context_origin = strings.at(static_cast<std::uint32_t>(r.varint()));
  m.role = strings.at(static_cast<std::uint32_t>(r.varint()));
  m.peer_states = strings.at(static_cast<std::uint32_t>(r.varint()));
  if (flags & kRequestFrame) m.request_frame = r.varint();
  if (flags & kProcedure) m.procedure = static_cast<std::uint32_t>(r.varint());
  m.oscore = (flags & kOscore) != 0;
  m.partial_iv = r.bytes();
  if (flags & kKid) m.kid = r.bytes();
  if (flags & kKidContext) m.kid_context = r.bytes();
  if (flags & kKudos) {
    StoredKudos k;
    k.x = r.byte();
    k.nonce = r.bytes();
    if (flags & kDerivation) k.derivation = static_cast<oidu::KudosDerivation>(r.byte());
    m.kudos = k;
  }
  const std::uint64_t id_options = r.varint();
  for (std::uint64_t i = 0; i < id_options; ++i) {
    StoredOption o;
    o.number = static_cast<std::uint16_t>(r.varint());
    o.value = r.bytes();
    m.outer_id_options.push_back(o);
  }
  if (flags & kInnerCode) m.inner_code = r.byte();
  if (flags & kPlaintext) m.plaintext = r.bytes();
  return m;
}

}  // namespace oidu_plugin
