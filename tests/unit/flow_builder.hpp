// Test side of the analysis tests: a client/server pair that protects its own messages
// with the core layer (RFC 8613 sections 5 and 8, KUDOS contexts from core/kudos_derive),
// encodes them with the wire layer and hands the analyzer the frames a capture would hold.
// The analyzer never sees how a message was built, only the datagrams, as with a pcap.
#pragma once
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/finding_catalogue.hpp"
#include "core/context.hpp"
#include "core/kudos_derive.hpp"
#include "wire/coap.hpp"
#include "wire/oscore_option.hpp"

namespace oidu::flow {

inline constexpr std::uint16_t kRecipientId = 24;     // draft-ietf-core-oscore-id-update 3.1
inline constexpr std::uint16_t kRecipientIdAck = 32;  // draft-ietf-core-oscore-id-update 3.2
inline constexpr std::uint16_t kEcho = 252;           // RFC 9175
inline constexpr std::uint16_t kObserve = 6;          // RFC 7641
inline constexpr std::uint16_t kOscore = 9;

inline constexpr std::uint8_t kGet = 0x01;
inline constexpr std::uint8_t kPost = 0x02;
inline constexpr std::uint8_t kChanged = 0x44;             // 2.04
inline constexpr std::uint8_t kContent = 0x45;             // 2.05
inline constexpr std::uint8_t kUnauthorized = 0x81;        // 4.01
inline constexpr std::uint8_t kServiceUnavailable = 0xA3;  // 5.03

enum class Peer { Client = 0, Server = 1 };
inline std::size_t at(Peer p) { return static_cast<std::size_t>(p); }

using OptionList = std::vector<std::pair<std::uint16_t, Bytes>>;

inline Bytes b(std::initializer_list<std::uint8_t> bytes) { return Bytes(bytes); }

inline IpAddress ip4(std::uint8_t a, std::uint8_t b2, std::uint8_t c, std::uint8_t d) {
  IpAddress ip;
  ip.version = 4;
  ip.bytes[0] = a;
  ip.bytes[1] = b2;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

inline MacAddress mac(std::uint8_t last) { return {0x02, 0x00, 0x00, 0x00, 0x00, last}; }

// RFC 8613 6.1: the sequence number big-endian without leading zeros; zero is 0x00.
inline Bytes encode_piv(std::uint64_t seq) {
  Bytes out;
  do {
    out.insert(out.begin(), static_cast<std::uint8_t>(seq & 0xff));
    seq >>= 8;
  } while (seq != 0);
  return out;
}

// One security context as both peers hold it, with each peer's Sender Sequence Number
// (a fresh context starts both at 0, RFC 8613 3.2.2).
struct Ctx {
  std::shared_ptr<SecurityContext> sc;
  Bytes client_id, server_id;  // Sender IDs
  std::uint64_t next_seq[2] = {0, 0};
  const Bytes& sender(Peer p) const { return p == Peer::Client ? client_id : server_id; }
};

struct KudosField {
  std::uint8_t x = 0;
  Bytes nonce;
  KudosContribution contribution() const { return {x, nonce}; }
};

// What one message carries. The defaults give an ordinary protected exchange.
struct Msg {
  OptionList inner;                  // class E options, inside the ciphertext
  OptionList outer;                  // further outer options next to OSCORE
  std::optional<std::uint8_t> code;  // inner code: GET for requests, 2.05 for responses
  Bytes payload = Bytes(4, 0x2a);    // some application payload
  Ctx* ctx = nullptr;                // default: the flow's current context
  std::optional<std::uint64_t> seq;  // send this sequence number instead of the next one
  bool own_piv = false;              // responses: carry the server's own Partial IV
  std::optional<KudosField> kudos;
  std::optional<Bytes> kid_context;  // sent in clear in the OSCORE option
  bool corrupt = false;              // flip a ciphertext bit after sealing
  std::optional<std::uint16_t> mid;  // requests: this Message ID instead of the next one;
                                     // responses: sent as NON with it, not piggybacked
  std::optional<Bytes> token;        // requests: this token instead of a fresh one
};

// A request as its response needs it.
struct Sent {
  std::uint64_t frame = 0;
  Bytes token;
  std::uint16_t mid = 0;
  Bytes kid, piv;
  Ctx* ctx = nullptr;
};

class Flow {
 public:
  Flow(ContextMaterial material, Bytes client_id, Bytes server_id)
      : material_(std::move(material)) {
    current_ = &add_ctx(material_, std::move(client_id), std::move(server_id));
    ep_[0] = Endpoint{ip4(10, 0, 0, 1), 40001};
    ep_[1] = Endpoint{ip4(10, 0, 0, 2), 5683};
    mac_[0] = mac(1);
    mac_[1] = mac(2);
  }
  Flow(const Flow&) = delete;
  Flow& operator=(const Flow&) = delete;

  // The key file entry for the context the flow started with.
  KeyEntry key_entry(std::string name = "ctx") const {
    KeyEntry k;
    k.name = std::move(name);
    k.client_id = contexts_.front()->client_id;
    k.server_id = contexts_.front()->server_id;
    k.material = material_;
    k.origin = "test";
    return k;
  }
  const ContextMaterial& material() const { return material_; }

  Ctx& current() { return *current_; }
  Ctx& initial() { return *contexts_.front(); }
  void use(Ctx& c) { current_ = &c; }
  // A context with other material or IDs; not used until passed in Msg::ctx or use().
  Ctx& add_ctx(const ContextMaterial& m, Bytes client_id, Bytes server_id) {
    auto c = std::make_unique<Ctx>();
    c->sc = std::make_shared<SecurityContext>(m);
    c->client_id = std::move(client_id);
    c->server_id = std::move(server_id);
    contexts_.push_back(std::move(c));
    return *contexts_.back();
  }
  // CTX_B of an ID update: the same material as `base`, new Sender IDs, fresh sequence numbers.
  Ctx& with_ids(const Ctx& base, Bytes client_id, Bytes server_id) {
    return add_ctx(base.sc->material(), std::move(client_id), std::move(server_id));
  }
  // KUDOS (draft-14 4.3): CTX_TEMP from the divergent sender's (x, nonce), CTX_NEW from both.
  Ctx& kudos_temp(const ContextMaterial& ctx_in, const KudosField& sender, const Ctx& ids,
                  KudosDerivation d = KudosDerivation::Draft14) {
    return add_ctx(kudos_temp_material(d, ctx_in, sender.contribution()), ids.client_id,
                   ids.server_id);
  }
  Ctx& kudos_new(const ContextMaterial& ctx_in, const KudosField& first, const KudosField& second,
                 const Ctx& ids, KudosDerivation d = KudosDerivation::Draft14) {
    return add_ctx(kudos_new_material(d, ctx_in, first.contribution(), second.contribution()),
                   ids.client_id, ids.server_id);
  }

  // Network and clock.
  void move(Peer p, IpAddress ip, MacAddress new_mac) {
    ep_[at(p)].ip = ip;
    mac_[at(p)] = new_mac;
  }
  void move(Peer p, IpAddress ip) { ep_[at(p)].ip = ip; }
  void advance(double seconds) { now_us_ += static_cast<std::int64_t>(seconds * 1e6); }
  void set_next_mid(std::uint16_t mid) { next_mid_ = mid; }
  // A kid context every following request sends in clear (nullopt: none).
  void send_kid_context(std::optional<Bytes> kid_context) { kid_context_ = std::move(kid_context); }
  std::uint16_t next_mid() const { return next_mid_; }

  // A protected request from the client (outer code 0.02 POST, RFC 8613 4.2).
  std::uint64_t request(Msg m = {}) {
    Ctx& c = m.ctx ? *m.ctx : *current_;
    const std::uint64_t seq = m.seq ? *m.seq : c.next_seq[at(Peer::Client)]++;
    Sent s;
    s.kid = c.client_id;
    s.piv = encode_piv(seq);
    s.ctx = &c;
    s.mid = m.mid ? *m.mid : next_mid_++;
    s.token = m.token ? *m.token : fresh_token();
    AeadInputs in{view(s.kid), view(s.kid), view(s.piv), view(s.kid), view(s.piv)};
    OscoreOptionFields f;
    f.partial_iv = s.piv;
    f.kid = s.kid;
    f.kid_context = m.kid_context ? m.kid_context : kid_context_;
    set_kudos(f, m);
    const Bytes ciphertext = seal(c, in, m.code.value_or(kGet), m);
    s.frame = emit(Peer::Client, CoapType::Con, kPost, s.mid, s.token, f, m.outer, ciphertext);
    last_request_ = s;
    return s.frame;
  }

  // A protected piggybacked response (outer 2.04, RFC 8613 4.2) to `req`. It carries the
  // server's own Partial IV when asked, and whenever its context is not the request's
  // (draft-ietf-core-oscore-key-update-14 section 3).
  std::uint64_t response_to(const Sent& req, Msg m = {}) {
    Ctx& c = m.ctx ? *m.ctx : *req.ctx;
    OscoreOptionFields f;
    AeadInputs in;
    in.sender_id = view(c.server_id);
    in.request_kid = view(req.kid);
    in.request_piv = view(req.piv);
    Bytes own_piv;
    if (m.own_piv || &c != req.ctx || m.seq) {
      own_piv = encode_piv(m.seq ? *m.seq : c.next_seq[at(Peer::Server)]++);
      f.partial_iv = own_piv;
      in.nonce_id = view(c.server_id);
      in.nonce_piv = view(own_piv);
    } else {
      in.nonce_id = view(req.kid);
      in.nonce_piv = view(req.piv);
    }
    f.kid_context = m.kid_context;
    set_kudos(f, m);
    const Bytes ciphertext = seal(c, in, m.code.value_or(kContent), m);
    const CoapType type = m.mid ? CoapType::Non : CoapType::Ack;
    return emit(Peer::Server, type, kChanged, m.mid.value_or(req.mid), req.token, f, m.outer,
                ciphertext);
  }
  std::uint64_t response(Msg m = {}) { return response_to(last_request_, std::move(m)); }
  const Sent& last_request() const { return last_request_; }

  // An unprotected CoAP message (no OSCORE option).
  std::uint64_t plain_request(OptionList options, Bytes payload = {}) {
    return emit_plain(Peer::Client, CoapType::Con, kPost, next_mid_++, fresh_token(), options,
                      payload);
  }

  // The same datagram again, later (a CoAP retransmission as a capture shows it).
  std::uint64_t repeat(std::uint64_t frame) { return push_copy(frame, SIZE_MAX); }
  // The first `keep` bytes of an earlier datagram, as a new frame.
  std::uint64_t truncated(std::uint64_t frame, std::size_t keep) { return push_copy(frame, keep); }

  const std::vector<Frame>& frames() const { return frames_; }
  std::int64_t now_us() const { return now_us_; }

 private:
  Bytes fresh_token() {
    ++next_token_;
    return Bytes{static_cast<std::uint8_t>(next_token_ >> 8),
                 static_cast<std::uint8_t>(next_token_)};
  }

  static void set_kudos(OscoreOptionFields& f, const Msg& m) {
    if (!m.kudos) return;
    f.kudos = true;
    f.x = m.kudos->x;
    f.nonce = m.kudos->nonce;
  }

  static Bytes seal(Ctx& c, const AeadInputs& in, std::uint8_t code, const Msg& m) {
    std::vector<CoapOption> options;
    for (const auto& [number, value] : m.inner) options.push_back({number, view(value)});
    const Bytes plaintext = encode_inner(code, options, view(m.payload));
    Bytes ciphertext;
    if (!c.sc->seal(in, plaintext, ciphertext)) throw std::runtime_error("seal failed");
    if (m.corrupt) ciphertext.back() ^= 0x01;
    return ciphertext;
  }

  std::uint64_t emit(Peer from, CoapType type, std::uint8_t code, std::uint16_t mid,
                     const Bytes& token, const OscoreOptionFields& f, const OptionList& outer,
                     const Bytes& ciphertext) {
    OptionList options = outer;
    options.emplace_back(kOscore, encode_oscore_option(f));
    return emit_plain(from, type, code, mid, token, options, ciphertext);
  }

  std::uint64_t emit_plain(Peer from, CoapType type, std::uint8_t code, std::uint16_t mid,
                           const Bytes& token, const OptionList& options, const Bytes& payload) {
    CoapMessage msg;
    msg.type = type;
    msg.code = code;
    msg.message_id = mid;
    msg.token = view(token);
    for (const auto& [number, value] : options) msg.body.options.push_back({number, view(value)});
    msg.body.payload = view(payload);
    buffers_.push_back(encode_coap(msg));
    return push_frame(from, buffers_.back());
  }

  std::uint64_t push_frame(Peer from, const Bytes& datagram) {
    now_us_ += 10'000;  // 10 ms between frames unless advance() says otherwise
    Frame fr;
    fr.number = frames_.size() + 1;
    fr.time_us = now_us_;
    fr.captured_length = datagram.size() + 42;  // Ethernet + IPv4 + UDP headers
    fr.is_udp = true;
    fr.src = ep_[at(from)];
    fr.dst = ep_[1 - at(from)];
    fr.src_mac = mac_[at(from)];
    fr.dst_mac = mac_[1 - at(from)];
    fr.udp_payload = view(datagram);
    frames_.push_back(fr);
    return fr.number;
  }

  std::uint64_t push_copy(std::uint64_t frame, std::size_t keep) {
    const Frame original = frames_.at(frame - 1);
    const std::size_t n = std::min(keep, original.udp_payload.size());
    buffers_.emplace_back(original.udp_payload.begin(),
                          original.udp_payload.begin() + static_cast<std::ptrdiff_t>(n));
    now_us_ += 10'000;
    Frame fr = original;
    fr.number = frames_.size() + 1;
    fr.time_us = now_us_;
    fr.captured_length = n + 42;
    fr.udp_payload = view(buffers_.back());
    frames_.push_back(fr);
    return fr.number;
  }

  ContextMaterial material_;
  std::deque<std::unique_ptr<Ctx>> contexts_;
  Ctx* current_ = nullptr;
  Endpoint ep_[2];
  MacAddress mac_[2];
  std::int64_t now_us_ = 1'700'000'000'000'000;
  std::uint16_t next_mid_ = 0x1000;
  std::uint16_t next_token_ = 0x0100;
  Sent last_request_;
  std::optional<Bytes> kid_context_;
  std::deque<Bytes> buffers_;  // deque: the frames' views stay valid as it grows
  std::vector<Frame> frames_;
};

// Everything the analyzer reported for one flow.
struct Result : EventSink {
  std::vector<MessageRecord> messages;
  std::vector<ProcedureRecord> procedures;
  std::vector<Finding> findings;
  std::vector<ContextRecord> contexts;
  Summary summary;

  void on_message(const MessageRecord& m) override { messages.push_back(m); }
  void on_procedure(const ProcedureRecord& p) override { procedures.push_back(p); }
  void on_finding(const Finding& f) override { findings.push_back(f); }
  void on_context(const ContextRecord& c) override { contexts.push_back(c); }

  std::vector<Finding> with_code(const std::string& code) const {
    std::vector<Finding> out;
    for (const auto& f : findings)
      if (finding_name(f.code) == code) out.push_back(f);
    return out;
  }
  std::size_t count(const std::string& code) const { return with_code(code).size(); }
  std::size_t at_least(Severity s) const {
    std::size_t n = 0;
    for (const auto& f : findings) n += f.severity >= s ? 1 : 0;
    return n;
  }
  const MessageRecord& message(std::uint64_t frame) const {
    for (const auto& m : messages)
      if (m.frame == frame) return m;
    throw std::out_of_range("no message record for frame " + std::to_string(frame));
  }
  std::vector<ProcedureRecord> of_type(ProcedureType type) const {
    std::vector<ProcedureRecord> out;
    for (const auto& p : procedures)
      if (p.type == type) out.push_back(p);
    return out;
  }
  // "CODE@frame, ..." for failure messages.
  std::string describe() const {
    std::string out;
    for (const auto& f : findings) out += finding_name(f.code) + ("@" + std::to_string(f.frame)) + " ";
    return out;
  }
};

// Separate from Result so that a result outlives the analyzer that filled it.
inline std::unique_ptr<Result> analyze(const Flow& flow, std::vector<KeyEntry> keys,
                                       AnalyzerConfig config = {}) {
  auto result = std::make_unique<Result>();
  {
    Analyzer analyzer(std::move(config), std::move(keys), *result);
    for (const Frame& f : flow.frames()) analyzer.process(f);
    analyzer.finish();
    result->summary = analyzer.summary();
  }
  return result;
}
inline std::unique_ptr<Result> analyze(const Flow& flow, AnalyzerConfig config = {}) {
  return analyze(flow, {flow.key_entry()}, std::move(config));
}

inline std::pair<std::uint16_t, Bytes> rid(Bytes value) { return {kRecipientId, std::move(value)}; }
inline std::pair<std::uint16_t, Bytes> ack(Bytes value) {
  return {kRecipientIdAck, std::move(value)};
}
inline Msg with(OptionList inner) {
  Msg m;
  m.inner = std::move(inner);
  return m;
}

// Request and response frames #1..#4 of a drafted flow (index 0 unused).
struct FourExchanges {
  std::uint64_t req[5]{}, resp[5]{};
};

// draft-ietf-core-oscore-id-update-06 figure fig-id-update-client-init, message by message.
inline FourExchanges client_initiated_id_update(Flow& f) {
  FourExchanges e;
  e.req[1] = f.request(with({rid({0x42})}));
  e.resp[1] = f.response(with({rid({0x78}), ack({0x42})}));
  e.req[2] = f.request(with({ack({0x78})}));
  e.resp[2] = f.response(with({ack({0x42})}));
  e.req[3] = f.request(with({ack({0x78})}));
  e.resp[3] = f.response(with({ack({0x42})}));
  e.req[4] = f.request(with({ack({0x78})}));
  e.resp[4] = f.response();
  return e;
}

// The same draft, figure fig-id-update-server-init.
inline FourExchanges server_initiated_id_update(Flow& f) {
  FourExchanges e;
  e.req[1] = f.request();
  e.resp[1] = f.response(with({rid({0x42})}));
  e.req[2] = f.request(with({rid({0x78}), ack({0x42})}));
  e.resp[2] = f.response(with({ack({0x78})}));
  e.req[3] = f.request(with({ack({0x42})}));
  e.resp[3] = f.response(with({ack({0x78})}));
  e.req[4] = f.request(with({ack({0x42})}));
  e.resp[4] = f.response(with({ack({0x78})}));
  return e;
}

// The same draft, figure fig-id-update-client-init-failure: the server never answers
// with Recipient-ID or Recipient-ID-Ack; the client's REPEAT_TIMER (93 s) expires before
// each of its requests, and its ENDING_TIMER (3 x 93 s) before Request #4.
inline FourExchanges failed_id_update(Flow& f, double gap_s = 93.5) {
  FourExchanges e;
  e.req[1] = f.request(with({rid({0x42})}));
  e.resp[1] = f.response();
  f.advance(gap_s);
  e.req[2] = f.request(with({rid({0x42})}));
  e.resp[2] = f.response();
  f.advance(gap_s);
  e.req[3] = f.request(with({rid({0x42})}));
  e.resp[3] = f.response();
  f.advance(gap_s);
  e.req[4] = f.request();
  e.resp[4] = f.response();
  return e;
}

// Asserts exactly one finding `code`, at `frame`, with `severity` and a message.
inline void expect_one(const Result& r, const std::string& code, std::uint64_t frame,
                       Severity severity) {
  const auto found = r.with_code(code);
  ASSERT_EQ(found.size(), 1u) << code << " in: " << r.describe();
  EXPECT_EQ(found[0].frame, frame) << code;
  EXPECT_EQ(found[0].severity, severity) << code;
  EXPECT_FALSE(found[0].message.empty()) << code;
}

// RFC 8613 Appendix C.1 material; AES-CCM-16-64-128 allows IDs of up to 7 bytes.
inline ContextMaterial rfc8613_material() {
  ContextMaterial m;
  m.master_secret = Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                          0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
  m.master_salt = Bytes{0x9e, 0x7c, 0xa9, 0x22, 0x23, 0x78, 0x63, 0x40};
  return m;
}

// CTX_A of the ID update draft's figures: client Sender ID 0x01, server Sender ID 0x00.
inline std::unique_ptr<Flow> figure_flow() {
  return std::make_unique<Flow>(rfc8613_material(), b({0x01}), b({0x00}));
}

}  // namespace oidu::flow
