#include "sim/peer.hpp"

#include <algorithm>
#include <string>

#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu::sim {
namespace {

constexpr std::uint8_t kPost = 0x02;
constexpr std::uint8_t kChanged = 0x44;   // 2.04, the outer code of protected responses
constexpr std::uint8_t kContent = 0x45;   // 2.05
constexpr std::uint8_t kUnauthorized = 0x81;  // 4.01
constexpr std::uint8_t kNotFound = 0x84;  // 4.04
constexpr std::uint8_t kServiceUnavailable = 0xa3;  // 5.03

constexpr KudosDerivation kDerivation = KudosDerivation::Draft14;
// A new Message ID sequence starts further than this after the last Message ID sent.
constexpr std::uint16_t kMidGap = 1024;

std::string uri_path(const AppMessage& m) {
  std::string path;
  for (const auto& o : m.options) {
    if (o.number != kOptUriPath) continue;
    if (!path.empty()) path += '/';
    path.append(o.value.begin(), o.value.end());
  }
  return path;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

}  // namespace

const Opt* AppMessage::find(std::uint16_t number) const {
  for (const auto& o : options)
    if (o.number == number) return &o;
  return nullptr;
}

// RFC 8613 6.1: the sequence number in network byte order with leading zeros removed;
// zero is one byte 0x00.
Bytes encode_piv(std::uint64_t ssn) {
  Bytes out;
  do {
    out.insert(out.begin(), static_cast<std::uint8_t>(ssn & 0xff));
    ssn >>= 8;
  } while (ssn != 0);
  return out;
}

Peer::Peer(PeerConfig config, Rng& rng, const Network& clock)
    : cfg_(std::move(config)), rng_(rng), clock_(clock) {
  ctx_ = make_context(cfg_.material, cfg_.sender_id, cfg_.recipient_id);
  ctx_.ssn = cfg_.initial_ssn;
  used_sender_ids_.insert(cfg_.sender_id);
  used_recipient_ids_.insert(cfg_.recipient_id);
  next_mid_ = static_cast<std::uint16_t>(rng_.below(65536));
}

PeerContext Peer::make_context(const ContextMaterial& m, const Bytes& sid, const Bytes& rid) const {
  PeerContext c;
  c.sc = std::make_shared<SecurityContext>(m);
  c.sender_id = sid;
  c.recipient_id = rid;
  return c;
}

void Peer::start_id_update() { idu_.start_requested = true; }

void Peer::start_kudos(bool no_fs) {
  kudos_.start_requested = true;
  kudos_.no_fs = no_fs || !cfg_.kudos.capable;
}

void Peer::migrate(const Host& to, bool keep_mac, bool keep_mid) {
  const MacAddress mac = cfg_.host.mac;
  cfg_.host = to;
  if (keep_mac) cfg_.host.mac = mac;
  cfg_.faults.keep_mid = keep_mid;
  if (!keep_mid) restart_mids();
  migrated_ = true;
}

// A random new start, redrawn in the rare case that it would look like the old sequence
// going on (MID_CONTINUES).
void Peer::restart_mids() {
  do {
    next_mid_ = static_cast<std::uint16_t>(rng_.below(65536));
  } while (last_mid_ && static_cast<std::uint16_t>(next_mid_ - *last_mid_) <= kMidGap);
}

void Peer::reboot() {
  rebooted_ = true;
  challenge_next_ = true;
  ctx_.ssn += 32;  // RFC 8613 B.1.1: resume above the last stored sequence number
  idu_ = {};
  kudos_ = {};
  used_sender_ids_ = {ctx_.sender_id};
  used_recipient_ids_ = {ctx_.recipient_id};
}

Bytes Peer::new_token() {
  if (cfg_.faults.reuse_token_after_migration && switched_ && !tokens_before_migration_.empty()) {
    cfg_.faults.reuse_token_after_migration = false;
    return tokens_before_migration_.front();
  }
  Bytes t = rng_.bytes(4);
  if (!migrated_ && !switched_ && tokens_before_migration_.size() < 8) tokens_before_migration_.push_back(t);
  return t;
}

// "Additional Actions for Execution": an ID this peer never used as Recipient ID under
// the current triplet and available as one (RFC 8613 3.3: not its own Sender ID, past or
// coming, which is the other peer's offer), so that the two new Sender IDs differ. One
// byte while a random draw still finds a free one, then longer: a peer that rotates its
// IDs often uses up the 256 one-byte IDs, none of which it may offer again.
Bytes Peer::fresh_offer() {
  for (std::size_t length = 1;; ++length) {
    for (int draw = 0; draw < 64; ++draw) {
      Bytes id = rng_.bytes(length);
      if (!used_recipient_ids_.contains(id) && !used_sender_ids_.contains(id) && id != idu_.peer_offer) return id;
    }
  }
}

ContextMaterial Peer::kudos_input() const {
  ContextMaterial m = ctx_.sc->material();
  if (kudos_.no_fs && cfg_.bootstrap) {
    m.master_secret = cfg_.bootstrap->master_secret;
    m.master_salt = cfg_.bootstrap->master_salt;
  }
  return m;
}

std::uint8_t Peer::kudos_x(bool convergent) {
  std::uint8_t x = static_cast<std::uint8_t>((cfg_.kudos.nonce_length - 1) & 0x0f);
  if (convergent) x |= 0x40;
  if (cfg_.kudos.preserve_observations) x |= 0x20;
  if (kudos_.no_fs) x |= 0x10;
  return x;
}

// --- ID update (draft-ietf-core-oscore-id-update-06 section 2)

void Peer::decorate_id_update(AppMessage& msg) {
  const auto& pol = cfg_.id_update;
  const double now = clock_.now_s();
  if (idu_.start_requested && idu_.phase != IdPhase::Running) {
    idu_ = {};
    idu_.phase = IdPhase::Running;
    idu_.started_s = now;
    idu_.integrated = kudos_.state != KudosState::Idle;
    idu_.my_offer = pol.offer ? *pol.offer : fresh_offer();
  }
  if (idu_.phase == IdPhase::Running) {
    const bool expired = pol.ending_counter != 0 ? idu_.sent >= pol.ending_counter
                                                 : now - idu_.started_s >= pol.ending_timer_s;
    if (expired) {
      // ENDING_TIMER: give up, never offer that ID again, go on with CTX_A.
      idu_.phase = IdPhase::Failed;
      if (idu_.my_offer) used_recipient_ids_.insert(*idu_.my_offer);
      return;
    }
    const bool repeat_due = pol.repeat_counter != 0 ? idu_.since_offer >= pol.repeat_counter
                                                    : now - idu_.last_offer_s >= pol.repeat_timer_s;
    std::optional<Bytes> rid;
    if (!idu_.offered || (idu_.acks_received == 0 && repeat_due)) rid = idu_.my_offer;
    if (idu_.offered && cfg_.faults.second_offer) {
      rid = *cfg_.faults.second_offer;
      cfg_.faults.second_offer.reset();
    }
    if (rid) {
      msg.options.push_back({kOptRecipientId, *rid});
      idu_.offered = true;
      idu_.last_offer_s = now;
      idu_.since_offer = 0;
    } else {
      ++idu_.since_offer;
    }
    ++idu_.sent;
  }
  if ((idu_.phase == IdPhase::Running || idu_.phase == IdPhase::Completed) && idu_.peer_offer &&
      idu_.acks_sent < pol.acks_to_send) {
    msg.options.push_back({kOptRecipientIdAck, cfg_.faults.wrong_ack ? *cfg_.faults.wrong_ack : *idu_.peer_offer});
    ++idu_.acks_sent;
    check_completion();
  }
}

void Peer::id_update_received(const AppMessage& msg, bool kudos_message, bool was_request) {
  const Opt* rid = msg.find(kOptRecipientId);
  const Opt* ack = msg.find(kOptRecipientIdAck);
  if (rid && cfg_.id_update.supported) {
    const bool too_long = rid->value.size() > ctx_.sc->max_id_length();
    const bool own_sender_id =
        used_sender_ids_.contains(rid->value) && !cfg_.faults.continue_on_own_sender_id;
    if (idu_.phase != IdPhase::Running) {
      // The other peer starts a procedure (section 2.1); section 2.2 lists the aborts.
      idu_ = {};
      idu_.phase = IdPhase::Running;
      idu_.started_s = clock_.now_s();
      idu_.integrated = kudos_message || kudos_.state != KudosState::Idle;
      idu_.peer_offer = rid->value;
      const bool refuse_standalone =
          !idu_.integrated && (cfg_.id_update.no_eligible_id ||
                               (rebooted_ && !cfg_.faults.participate_after_reboot));
      if (too_long || own_sender_id || refuse_standalone) {
        idu_.phase = IdPhase::Aborted;
        abort_next_response_ = was_request;
        return;
      }
      idu_.my_offer = cfg_.id_update.offer ? *cfg_.id_update.offer : fresh_offer();
    } else if (!idu_.peer_offer) {
      if (too_long || own_sender_id) {
        idu_.phase = IdPhase::Aborted;
        if (idu_.my_offer) used_recipient_ids_.insert(*idu_.my_offer);
        abort_next_response_ = was_request;
        return;
      }
      idu_.peer_offer = rid->value;
    }
  }
  if (ack && idu_.phase == IdPhase::Running && idu_.my_offer && ack->value == *idu_.my_offer) {
    ++idu_.acks_received;
    check_completion();
  }
}

void Peer::check_completion() {
  if (idu_.phase != IdPhase::Running || idu_.acks_received < 3 || idu_.acks_sent < 2) return;
  idu_.phase = IdPhase::Completed;
  if (!idu_.switched)  // a premature switch already installed the new IDs
    ctx_b_ = make_context(ctx_.sc->material(), *idu_.peer_offer, *idu_.my_offer);
  used_recipient_ids_.insert(*idu_.my_offer);
  used_sender_ids_.insert(*idu_.peer_offer);
}

void Peer::switch_to_new_ids(bool procedure_done) {
  old_ctx_ = ctx_;
  const std::uint64_t old_ssn = ctx_.ssn;
  ctx_ = *ctx_b_;
  ctx_.ssn = cfg_.faults.keep_piv ? old_ssn : 0;
  ctx_b_.reset();
  switched_ = idu_.switched = true;
  migrated_ = false;
  // New IDs, new CoAP Message IDs: nothing should link the two.
  if (!cfg_.faults.keep_mid) restart_mids();
  if (procedure_done) idu_ = {};
}

// --- KUDOS (draft-ietf-core-oscore-key-update-14 section 4.3)

void Peer::kudos_confirmed() {
  ctx_ = *kudos_.next;  // Pre-IDLE: CTX_NEW replaces CTX_OLD, CTX_TEMP goes
  if (!kudos_.no_fs) peer_known_capable_ = true;
  if (kudos_.no_fs) cfg_.bootstrap.reset();  // no-FS Pre-IDLE step A
  kudos_ = {};
  rebooted_ = false;  // a full renewal of the context happened
}

Peer::Outgoing Peer::prepare(AppMessage& msg, bool request, const RequestBinding* req) {
  Outgoing o;
  if (request && echo_ && cfg_.role == Role::Client) {
    msg.options.push_back({kOptEcho, *echo_});
    echo_.reset();
  }
  if (kudos_.state == KudosState::Idle && kudos_.start_requested) {
    kudos_.start_requested = false;
    kudos_.state = KudosState::Busy;
    kudos_.mine_first = true;
    kudos_.mine = KudosContribution{kudos_x(false), rng_.bytes(cfg_.kudos.nonce_length)};
    kudos_.temp = make_context(kudos_temp_material(kDerivation, kudos_input(), *kudos_.mine),
                               ctx_.sender_id, ctx_.recipient_id);
  }
  if (kudos_.state == KudosState::Busy && kudos_.theirs && !kudos_.mine) {
    // Entered BUSY on a divergent message: answer with a convergent one, go PENDING.
    kudos_.mine = KudosContribution{kudos_x(true), rng_.bytes(cfg_.kudos.nonce_length)};
    kudos_.next = make_context(kudos_new_material(kDerivation, kudos_input(), *kudos_.theirs, *kudos_.mine),
                               ctx_.sender_id, ctx_.recipient_id);
    kudos_.state = KudosState::Pending;
  }
  const bool busy_divergent = kudos_.state == KudosState::Busy && kudos_.mine_first;
  if (busy_divergent && !cfg_.faults.non_kudos_while_busy) {
    if (cfg_.faults.flip_b_bit && kudos_.sent >= 1) {
      cfg_.faults.flip_b_bit = false;
      kudos_.mine->x ^= 0x20;
      kudos_.temp = make_context(kudos_temp_material(kDerivation, kudos_input(), *kudos_.mine),
                                 ctx_.sender_id, ctx_.recipient_id);
    }
    o.ctx = &*kudos_.temp;
  } else if (kudos_.state == KudosState::Pending) {
    o.ctx = &*kudos_.next;
  }
  if (o.ctx) {
    o.kudos = true;
    o.x = kudos_.mine->x;
    o.nonce = kudos_.mine->nonce;
    o.own_piv = true;
    ++kudos_.sent;
  } else if (request) {
    const bool both_known = idu_.phase == IdPhase::Running && idu_.my_offer && idu_.peer_offer && idu_.offered;
    if (cfg_.faults.use_before_confirmed && both_known && !idu_.switched) {
      ctx_b_ = make_context(ctx_.sc->material(), *idu_.peer_offer, *idu_.my_offer);
      switch_to_new_ids(false);
    } else if (idu_.phase == IdPhase::Completed && ctx_b_ && idu_.acks_sent >= cfg_.id_update.acks_to_send &&
               (migrated_ || cfg_.faults.switch_without_migration)) {
      // Only once its own acknowledgements are out, so that the other peer can complete.
      switch_to_new_ids(true);
    } else if (switched_ && cfg_.faults.old_ids_once_after_switch && !old_used_after_switch_ &&
               ctx_.ssn > 0) {
      old_used_after_switch_ = true;
      o.ctx = &*old_ctx_;
    }
    if (!o.ctx) o.ctx = &ctx_;
  } else if (req && req->refused_kudos) {
    // A divergent request that this peer did not take part in (e.g. a refused no-FS
    // downgrade): answer with the current context, hence with an own Partial IV.
    o.ctx = &ctx_;
    o.own_piv = true;
  } else if (challenge_next_ && echo_) {
    o.ctx = &ctx_;  // RFC 8613 B.1.2: the Echo challenge carries the server's own PIV
    o.own_piv = true;
  }
  // Messages under the old IDs after the switch take no part in any procedure.
  if (!(o.ctx && old_ctx_ && o.ctx == &*old_ctx_)) decorate_id_update(msg);
  return o;
}

// --- protection

namespace {

Bytes seal_plaintext(const AppMessage& msg, bool options_outer, std::vector<Opt>& outer) {
  std::vector<CoapOption> inner;
  for (const auto& o : msg.options) {
    const bool idu = o.number == kOptRecipientId || o.number == kOptRecipientIdAck;
    if (idu && options_outer) outer.push_back(o);  // in clear, and still inside as well
    inner.push_back({o.number, view(o.value)});
  }
  std::stable_sort(inner.begin(), inner.end(),
                   [](const CoapOption& a, const CoapOption& b) { return a.number < b.number; });
  return encode_inner(msg.code, inner, view(msg.payload));
}

}  // namespace

Sealed Peer::seal_request(AppMessage msg, RequestBinding& binding) {
  Outgoing o = prepare(msg, true, nullptr);
  PeerContext& c = *o.ctx;
  std::uint64_t seq = c.ssn++;
  if (cfg_.faults.repeat_piv_once && last_piv_) {
    cfg_.faults.repeat_piv_once = false;
    seq = *last_piv_;
    --c.ssn;
  }
  last_piv_ = seq;
  const Bytes piv = encode_piv(seq);
  Sealed s;
  s.outer_code = kPost;
  const Bytes plain = seal_plaintext(msg, cfg_.faults.options_as_outer, s.outer_options);
  c.sc->seal(AeadInputs{view(c.sender_id), view(c.sender_id), view(piv), view(c.sender_id), view(piv)},
             view(plain), s.ciphertext);
  if (cfg_.faults.corrupt_next && !s.ciphertext.empty()) {
    cfg_.faults.corrupt_next = false;
    s.ciphertext[s.ciphertext.size() / 2] ^= 0x01;
  }
  OscoreOptionFields f;
  f.partial_iv = piv;
  f.kid = c.sender_id;
  if (cfg_.send_kid_context && c.sc->material().id_context) f.kid_context = *c.sc->material().id_context;
  f.kudos = o.kudos;
  f.x = o.x;
  f.nonce = o.nonce;
  s.oscore_option = encode_oscore_option(f);
  binding = RequestBinding{c.sender_id, piv, c, false};
  return s;
}

Sealed Peer::seal_response(const RequestBinding& binding, AppMessage msg) {
  Outgoing o = prepare(msg, false, &binding);
  Sealed s;
  s.outer_code = kChanged;
  const Bytes plain = seal_plaintext(msg, cfg_.faults.options_as_outer, s.outer_options);
  OscoreOptionFields f;
  if (o.ctx && o.own_piv) {
    PeerContext& c = *o.ctx;
    f.partial_iv = encode_piv(c.ssn++);
    c.sc->seal(AeadInputs{view(c.sender_id), view(c.sender_id), view(f.partial_iv), view(binding.kid),
                          view(binding.piv)},
               view(plain), s.ciphertext);
    f.kudos = o.kudos;
    f.x = o.x;
    f.nonce = o.nonce;
  } else {
    // RFC 8613 8.3: the request's nonce, no Partial IV in the response.
    const PeerContext& c = binding.ctx;
    c.sc->seal(AeadInputs{view(c.sender_id), view(binding.kid), view(binding.piv), view(binding.kid),
                          view(binding.piv)},
               view(plain), s.ciphertext);
  }
  if (cfg_.faults.corrupt_next && !s.ciphertext.empty()) {
    cfg_.faults.corrupt_next = false;
    s.ciphertext[s.ciphertext.size() / 2] ^= 0x01;
  }
  s.oscore_option = encode_oscore_option(f);
  return s;
}

std::optional<AppMessage> Peer::finish_open(ByteView plaintext) {
  const auto inner = parse_inner(plaintext, nullptr);
  if (!inner) return std::nullopt;
  AppMessage m;
  m.code = inner->code;
  for (const auto& o : inner->body.options) m.options.push_back({o.number, Bytes(o.value.begin(), o.value.end())});
  m.payload.assign(inner->body.payload.begin(), inner->body.payload.end());
  return m;
}

bool Peer::open_with(PeerContext& c, const AeadInputs& in, ByteView ct, Bytes& plain) {
  return c.sc->open(in, ct, plain);
}

std::optional<AppMessage> Peer::open_request(const OscoreOption& opt, ByteView ct, RequestBinding& binding) {
  if (!opt.kid) return std::nullopt;
  const Bytes kid(opt.kid->begin(), opt.kid->end());
  const Bytes piv(opt.partial_iv.begin(), opt.partial_iv.end());
  Bytes plain;
  auto try_ctx = [&](PeerContext& c) {
    return c.recipient_id == kid &&
           open_with(c, AeadInputs{view(kid), view(kid), view(piv), view(kid), view(piv)}, ct, plain);
  };
  if (opt.kudos) {
    const KudosContribution theirs{opt.x, Bytes(opt.nonce.begin(), opt.nonce.end())};
    if (!opt.z()) {
      const bool no_fs = opt.p();
      if (no_fs && !cfg_.bootstrap) return std::nullopt;
      const bool saved = kudos_.no_fs;
      kudos_.no_fs = no_fs;
      PeerContext t = make_context(kudos_temp_material(kDerivation, kudos_input(), theirs), ctx_.sender_id,
                                   ctx_.recipient_id);
      bool verified = try_ctx(t);
      if (!verified && kudos_.state == KudosState::Pending) {
        // State machine, PENDING: a CTX_TEMP derived from CTX_NEW (the other peer has
        // confirmed and starts anew) makes CTX_NEW this peer's CTX_OLD.
        const PeerContext old = ctx_;
        ctx_ = *kudos_.next;
        t = make_context(kudos_temp_material(kDerivation, kudos_input(), theirs), ctx_.sender_id,
                         ctx_.recipient_id);
        verified = try_ctx(t);
        if (!verified) ctx_ = old;
      }
      kudos_.no_fs = saved;
      if (!verified) return std::nullopt;
      // 4.5.2: a CAPABLE peer that knows the other to be CAPABLE ignores a no-FS request.
      const bool refuse = no_fs && cfg_.kudos.capable && peer_known_capable_;
      if (!refuse) {
        const bool same = kudos_.state == KudosState::Pending && kudos_.theirs && !kudos_.mine_first &&
                          kudos_.theirs->x == theirs.x && kudos_.theirs->nonce == theirs.nonce;
        if (!same) {  // 4.3.4: enter BUSY on a divergent message (or stay PENDING, 4.3.5)
          kudos_ = {};
          kudos_.state = KudosState::Busy;
          kudos_.no_fs = no_fs;
          kudos_.theirs = theirs;
        }
      }
      binding = RequestBinding{kid, piv, t, refuse};
    } else {
      if (!(kudos_.state == KudosState::Busy && kudos_.mine_first)) return std::nullopt;
      kudos_.theirs = theirs;
      PeerContext n = make_context(kudos_new_material(kDerivation, kudos_input(), *kudos_.mine, theirs),
                                   ctx_.sender_id, ctx_.recipient_id);
      if (!try_ctx(n)) return std::nullopt;
      n.ssn = 0;
      kudos_.next = n;
      kudos_confirmed();
      binding = RequestBinding{kid, piv, ctx_, false};
    }
  } else {
    bool opened = false;
    if (kudos_.state == KudosState::Pending && try_ctx(*kudos_.next)) {
      kudos_confirmed();
      opened = true;
    } else if (try_ctx(ctx_)) {
      opened = true;
    } else if (ctx_b_ && try_ctx(*ctx_b_)) {
      switch_to_new_ids(true);
      opened = true;
    } else if (idu_.phase == IdPhase::Running && idu_.my_offer && idu_.peer_offer) {
      // Premature use of the new IDs by the other peer: a lenient server goes along.
      PeerContext b = make_context(ctx_.sc->material(), *idu_.peer_offer, *idu_.my_offer);
      if (try_ctx(b)) {
        ctx_b_ = b;
        switch_to_new_ids(false);
        opened = true;
      }
    }
    if (!opened && old_ctx_ && try_ctx(*old_ctx_)) {
      binding = RequestBinding{kid, piv, *old_ctx_, false};
    } else if (!opened) {
      return std::nullopt;
    } else {
      binding = RequestBinding{kid, piv, ctx_, false};
    }
  }
  auto msg = finish_open(view(plain));
  if (!msg) return std::nullopt;
  if (const Opt* echo = msg->find(kOptEcho); echo && echo_ && echo->value == *echo_) {
    challenge_next_ = false;
    echo_.reset();
  }
  id_update_received(*msg, opt.kudos, true);
  return msg;
}

AppMessage Peer::answer(const AppMessage& request) {
  AppMessage r;
  if (abort_next_response_) {
    // Section 2.2: a protected 5.03 without Recipient-ID ends the procedure.
    abort_next_response_ = false;
    r.code = kServiceUnavailable;
    if (cfg_.faults.rid_in_abort) r.options.push_back({kOptRecipientId, fresh_offer()});
    r.payload = text("ID update aborted");
    return r;
  }
  if (challenge_next_ && !request.find(kOptEcho)) {
    echo_ = rng_.bytes(8);
    r.code = kUnauthorized;
    r.options.push_back({kOptEcho, *echo_});
    return r;
  }
  const std::string path = uri_path(request);
  if (path == "temp") {
    r.code = kContent;
    const auto tenths = 180 + rng_.below(80);
    r.payload = text(std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " C");
  } else if (path == ".well-known/kudos" || path == "config") {
    r.code = kChanged;
  } else {
    r.code = kNotFound;
  }
  return r;
}

std::optional<AppMessage> Peer::open_response(const RequestBinding& binding, const OscoreOption& opt,
                                              ByteView ct) {
  const Bytes piv(opt.partial_iv.begin(), opt.partial_iv.end());
  Bytes plain;
  auto try_ctx = [&](PeerContext& c) {
    const AeadInputs in = piv.empty()
        ? AeadInputs{view(c.recipient_id), view(binding.kid), view(binding.piv), view(binding.kid), view(binding.piv)}
        : AeadInputs{view(c.recipient_id), view(c.recipient_id), view(piv), view(binding.kid), view(binding.piv)};
    return open_with(c, in, ct, plain);
  };
  if (opt.kudos) {
    const KudosContribution theirs{opt.x, Bytes(opt.nonce.begin(), opt.nonce.end())};
    if (!opt.z()) {
      const bool saved = kudos_.no_fs;
      kudos_.no_fs = opt.p();
      if (kudos_.no_fs && !cfg_.bootstrap) return std::nullopt;
      PeerContext t = make_context(kudos_temp_material(kDerivation, kudos_input(), theirs), ctx_.sender_id,
                                   ctx_.recipient_id);
      if (!try_ctx(t)) {
        kudos_.no_fs = saved;
        return std::nullopt;
      }
      const bool no_fs = kudos_.no_fs;
      kudos_ = {};
      kudos_.state = KudosState::Busy;
      kudos_.no_fs = no_fs;
      kudos_.theirs = theirs;
    } else {
      if (!(kudos_.state == KudosState::Busy && kudos_.mine_first)) return std::nullopt;
      PeerContext n = make_context(kudos_new_material(kDerivation, kudos_input(), *kudos_.mine, theirs),
                                   ctx_.sender_id, ctx_.recipient_id);
      if (!try_ctx(n)) return std::nullopt;
      kudos_.next = n;
      kudos_confirmed();
    }
  } else {
    PeerContext bound = binding.ctx;
    if (kudos_.state == KudosState::Pending && try_ctx(*kudos_.next)) {
      kudos_confirmed();
    } else if (try_ctx(bound)) {
    } else if (try_ctx(ctx_)) {
      // The other peer answered a divergent request outside KUDOS: it did not take part.
      if (kudos_.state == KudosState::Busy && kudos_.mine_first) kudos_ = {};
    } else {
      return std::nullopt;
    }
  }
  auto msg = finish_open(view(plain));
  if (!msg) return std::nullopt;
  if (msg->code == kUnauthorized)
    if (const Opt* echo = msg->find(kOptEcho)) echo_ = echo->value;
  if (msg->code == kServiceUnavailable && idu_.phase == IdPhase::Running) {
    // The other peer aborted (section 2.2): whatever else the 5.03 carries is not an offer.
    idu_.phase = IdPhase::Aborted;
    if (idu_.my_offer) used_recipient_ids_.insert(*idu_.my_offer);
    return msg;
  }
  id_update_received(*msg, opt.kudos, false);
  return msg;
}

}  // namespace oidu::sim
