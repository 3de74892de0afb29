// The network watch (network_watch.hpp): the network history of the old IDs, compared
// with the first messages under the new IDs.
#include "analysis/network_watch.hpp"

#include <algorithm>

namespace oidu {
namespace {

constexpr std::size_t kMaxTokens = 256;
constexpr std::uint64_t kPivWindow = 64;
constexpr unsigned kMidWindow = 16;

std::pair<IpAddress, IpAddress> address_pair(const Frame& f) {
  return std::minmax(f.src.ip, f.dst.ip);
}

bool sends_own_mid(const CoapMessage& coap) {
  return coap.type == CoapType::Con || coap.type == CoapType::Non;
}

}  // namespace

void NetworkWatch::remember(PeerTraffic& t, const Observed& m) {
  t.ip = m.frame.src.ip;
  // A loopback capture's all-zero MAC cannot "stay the same" across a move between
  // loopback addresses (seen on aiocoap and libcoap migrating 127.0.0.1 -> 127.0.0.2).
  if (m.frame.src_mac && names_interface(*m.frame.src_mac)) t.mac = m.frame.src_mac;
  if (!m.option.partial_iv.empty()) t.last_piv = piv_value(m.option.partial_iv);
  if (sends_own_mid(m.coap)) t.last_mid = m.coap.message_id;
  if (m.option.kid_context && !m.option.kid_context->empty()) {
    t.kid_context = Bytes(m.option.kid_context->begin(), m.option.kid_context->end());
  }
}

namespace {

bool same_ids(const ContextSlot& a, const ContextSlot& b) {
  return a.client_id == b.client_id && a.server_id == b.server_id;
}

}  // namespace

NetworkWatch::History& NetworkWatch::of(const Association& assoc) { return assoc.network_history; }

void NetworkWatch::start_switch(const Association& assoc, std::uint32_t procedure,
                                const ContextSlot* old_slot, const ContextSlot* new_slot) {
  History& a = of(assoc);
  auto watch = std::make_unique<Switch>();
  watch->procedure = procedure;
  watch->old_slot = old_slot;
  watch->new_slot = new_slot;
  watch->old_pairs = a.pairs;
  watch->before = a.traffic;
  for (std::uint64_t token : a.recent_tokens) {
    if (token) watch->old_tokens.insert(token);
  }
  a.switches.push_back(std::move(watch));
}

void NetworkWatch::end_switch(const Association& assoc, std::uint32_t procedure) {
  std::erase_if(of(assoc).switches, [&](const auto& w) { return w->procedure == procedure; });
}

void NetworkWatch::observe(const Observed& m, FindingReporter& findings) {
  History& a = of(m.assoc);
  const Role s = m.sender;
  const auto pair = address_pair(m.frame);
  // Fingerprints stand for tokens (0 = no token).
  const std::uint64_t token = m.coap.token.empty() ? 0 : fingerprint(m.coap.token);
  const std::uint64_t frame = m.frame.number;
  std::size_t now_switched = a.switches.size();

  for (std::size_t i = 0; i < a.switches.size(); ++i) {
    auto& w = a.switches[i];
    auto once = [&](const std::string& key) { return w->reported.insert(key).second; };
    if (same_ids(m.slot, *w->new_slot)) {
      if (!w->switched) now_switched = i;
      w->switched = true;
      if (w->old_pairs.contains(pair) && once("NEW_ID_ON_OLD_NETWORK/" + pair.first.to_string() + pair.second.to_string())) {
        findings.report(FindingCode::NewIdOnOldNetwork, frame, w->procedure,
               "new IDs used between " + pair.first.to_string() + " and " + pair.second.to_string() +
                   ", which carried the old IDs");
      }
      w->new_pairs.insert(pair);
      const PeerTraffic& before = w->before[idx(s)];
      if (!w->seen_new[idx(s)]) {
        w->seen_new[idx(s)] = true;
        if (!m.option.partial_iv.empty() && before.last_piv) {
          const std::uint64_t piv = piv_value(m.option.partial_iv);
          if (piv > *before.last_piv && piv - *before.last_piv <= kPivWindow) {
            findings.report(FindingCode::PivNotReset, frame, w->procedure,
                   std::string("the ") + role_name(s) + "'s first Partial IV under the new IDs (" +
                       std::to_string(piv) + ") continues its old sequence (last " +
                       std::to_string(*before.last_piv) + ")");
          }
        }
        if (before.ip && *before.ip != m.frame.src.ip && before.mac && m.frame.src_mac &&
            *before.mac == *m.frame.src_mac) {
          findings.report(FindingCode::MacUnchanged, frame, w->procedure,
                 std::string("the ") + role_name(s) + " moved from " + before.ip->to_string() + " to " +
                     m.frame.src.ip.to_string() + " but kept MAC " + mac_to_string(*before.mac));
        }
      }
      if (sends_own_mid(m.coap) && !w->seen_new_mid[idx(s)]) {
        w->seen_new_mid[idx(s)] = true;
        if (before.last_mid) {
          const unsigned step = static_cast<std::uint16_t>(m.coap.message_id - *before.last_mid);
          if (step >= 1 && step <= kMidWindow) {
            findings.report(FindingCode::MidContinues, frame, w->procedure,
                   std::string("the ") + role_name(s) + "'s first Message ID under the new IDs (" +
                       std::to_string(m.coap.message_id) + ") continues its old sequence (last " +
                       std::to_string(*before.last_mid) + ")");
          }
        }
      }
      const std::string token_hex = to_hex(m.coap.token);
      if (token && w->old_tokens.count(token) && once("TOKEN_REUSED/" + token_hex)) {
        findings.report(FindingCode::TokenReused, frame, w->procedure, "token " + token_hex + " was used under the old IDs too");
      }
      if (m.option.kid_context && !m.option.kid_context->empty() && before.kid_context &&
          std::equal(before.kid_context->begin(), before.kid_context->end(),
                     m.option.kid_context->begin(), m.option.kid_context->end()) &&
          once("ID_CONTEXT_UNCHANGED/" + std::string(role_name(s)))) {
        findings.report(FindingCode::IdContextUnchanged, frame, w->procedure,
               "kid context " + to_hex(*before.kid_context) + " is sent in clear before and after the switch");
      }
    } else if (same_ids(m.slot, *w->old_slot)) {
      if (w->switched) {
        if (w->new_pairs.contains(pair) && !w->old_pairs.contains(pair) &&
            once("OLD_ID_ON_NEW_NETWORK/" + pair.first.to_string() + pair.second.to_string())) {
          findings.report(FindingCode::OldIdOnNewNetwork, frame, w->procedure,
                 "old IDs used between " + pair.first.to_string() + " and " + pair.second.to_string() +
                     ", first used with the new IDs");
        }
      } else {
        // Still before the switch: the old IDs' history keeps growing.
        remember(w->before[idx(s)], m);
        w->old_pairs.insert(pair);
        if (token && w->old_tokens.size() < kMaxTokens) w->old_tokens.insert(token);
      }
    }
  }

  // The IDs an earlier switch watched are this one's old IDs now: it watches them from
  // here on, and the association keeps no more switches than it has IDs in play.
  if (now_switched != a.switches.size()) {
    a.switches.erase(a.switches.begin(), a.switches.begin() + static_cast<std::ptrdiff_t>(now_switched));
  }
  // Every message, under whichever IDs: the next switch starts from all the association
  // showed, since any earlier IDs on the same network link to the ones after it.
  remember(a.traffic[idx(s)], m);
  a.pairs.insert(pair);
  if (token) {
    a.recent_tokens[a.next_token] = token;
    a.next_token = (a.next_token + 1) % a.recent_tokens.size();
  }
}

}  // namespace oidu
