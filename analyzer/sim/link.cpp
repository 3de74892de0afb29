#include "sim/link.hpp"

#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu::sim {
namespace {

constexpr std::uint8_t kBadRequest = 0x80;  // 4.00
constexpr std::uint8_t kUnauthorized = 0x81;

}  // namespace

Bytes coap_datagram(CoapType type, std::uint8_t code, std::uint16_t mid, const Bytes& token, const Sealed* sealed,
                    const Bytes& plain_payload) {
  CoapMessage m;
  m.type = type;
  m.code = code;
  m.message_id = mid;
  m.token = view(token);
  if (sealed) {
    m.body.options.push_back({kOptOscore, view(sealed->oscore_option)});
    for (const auto& o : sealed->outer_options) m.body.options.push_back({o.number, view(o.value)});
    m.body.payload = view(sealed->ciphertext);
  } else {
    m.body.payload = view(plain_payload);
  }
  return encode_coap(m);
}

Bytes decryption_failed_datagram(CoapType type, std::uint16_t mid, const Bytes& token) {
  const std::string diag = "Decryption failed";
  return coap_datagram(type, kBadRequest, mid, token, nullptr, Bytes(diag.begin(), diag.end()));
}

std::optional<AppMessage> open_request_datagram(Peer& server, const CoapMessage& m, RequestBinding& binding) {
  const CoapOption* o = m.body.find(kOptOscore);
  if (!o) return std::nullopt;
  const auto opt = parse_oscore_option(o->value, nullptr);
  if (!opt) return std::nullopt;
  return server.open_request(*opt, m.body.payload, binding);
}

std::optional<AppMessage> open_response_datagram(Peer& client, const RequestBinding& binding, const CoapMessage& m) {
  const CoapOption* o = m.body.find(kOptOscore);
  if (!o) return std::nullopt;
  const auto opt = parse_oscore_option(o->value, nullptr);
  if (!opt) return std::nullopt;
  return client.open_response(binding, *opt, m.body.payload);
}

AppMessage get_temp() {
  AppMessage m;
  m.code = 0x01;
  m.options.push_back({kOptUriPath, Bytes{'t', 'e', 'm', 'p'}});
  return m;
}

AppMessage post_kudos() {
  AppMessage m;
  m.code = 0x02;
  const std::string wk = ".well-known";
  m.options.push_back({kOptUriPath, Bytes(wk.begin(), wk.end())});
  m.options.push_back({kOptUriPath, Bytes{'k', 'u', 'd', 'o', 's'}});
  return m;
}

void Link::advance_one_way() {
  net_.advance_us(static_cast<std::int64_t>(rng_.uniform(static_cast<double>(min_us_), static_cast<double>(max_us_))));
}

ExchangeResult Link::exchange(const ExchangeSpec& spec) {
  ExchangeResult r = once(spec);
  if (r.response && r.response->code == kUnauthorized && client_.has_echo()) {
    net_.advance_us(static_cast<std::int64_t>(rng_.uniform(1000, 5000)));
    r = once(spec);
  }
  return r;
}

ExchangeResult Link::once(const ExchangeSpec& spec) {
  ExchangeResult result;
  RequestBinding client_binding;
  const Sealed req = client_.seal_request(spec.request, client_binding);
  const Bytes token = client_.new_token();
  const std::uint16_t mid = client_.next_mid();
  const Bytes datagram = coap_datagram(spec.non ? CoapType::Non : CoapType::Con, req.outer_code, mid, token, &req, {});

  // RFC 7252 4.2: ACK_TIMEOUT 2 s, ACK_RANDOM_FACTOR 1.5, doubling per retransmission.
  double timeout = rng_.uniform(2.0, 3.0);
  for (unsigned i = 0; i < spec.lost_transmissions && !spec.non; ++i) {
    net_.send(client_.host(), server_.host(), view(datagram));
    net_.advance_s(timeout);
    timeout *= 2;
  }
  net_.send(client_.host(), server_.host(), view(datagram));
  advance_one_way();

  // The server side.
  std::string error;
  const auto parsed = parse_coap(view(datagram), &error);
  std::optional<AppMessage> request;
  RequestBinding server_binding;
  if (parsed) request = open_request_datagram(server_, *parsed, server_binding);
  net_.advance_us(static_cast<std::int64_t>(rng_.uniform(100, 1500)));  // processing
  const CoapType resp_type = spec.non ? CoapType::Non : CoapType::Ack;
  const std::uint16_t resp_mid = spec.non ? server_.next_mid() : mid;
  if (!request) {
    const Bytes err = decryption_failed_datagram(resp_type, resp_mid, token);
    if (!spec.lose_response) net_.send(server_.host(), client_.host(), view(err));
    advance_one_way();
    result.outer_code = kBadRequest;
    return result;
  }
  const AppMessage answer = server_.answer(*request);
  const Sealed resp = server_.seal_response(server_binding, answer);

  Bytes response;
  if (spec.separate && !spec.non) {
    const Bytes empty_ack = coap_datagram(CoapType::Ack, 0, mid, {}, nullptr, {});
    net_.send(server_.host(), client_.host(), view(empty_ack));
    advance_one_way();
    net_.advance_s(rng_.uniform(0.5, 2.0));  // the server works on the answer
    const std::uint16_t smid = server_.next_mid();
    response = coap_datagram(CoapType::Con, resp.outer_code, smid, token, &resp, {});
    net_.send(server_.host(), client_.host(), view(response));
    advance_one_way();
    const Bytes ack = coap_datagram(CoapType::Ack, 0, smid, {}, nullptr, {});
    net_.send(client_.host(), server_.host(), view(ack));
  } else {
    response = coap_datagram(resp_type, resp.outer_code, resp_mid, token, &resp, {});
    if (spec.lose_response) {
      advance_one_way();
      return result;
    }
    net_.send(server_.host(), client_.host(), view(response));
    advance_one_way();
  }

  // The client side.
  const auto presp = parse_coap(view(response), &error);
  if (!presp) return result;
  result.outer_code = presp->code;
  result.response = open_response_datagram(client_, client_binding, *presp);
  return result;
}

}  // namespace oidu::sim
