// Identities from requests' kids, responses attributed through their requests, and links
// decided against every earlier identity an index names: the hard evidence as soon as the
// new identity shows it, timing once the capture has ended.
#include "exposure/observer.hpp"

#include <algorithm>
#include <string_view>

#include "wire/oscore_option.hpp"

namespace oidu::exposure {
namespace {

// The same windows as the analyzer's own privacy checks (analysis/network_watch.cpp), so
// that the observer's evidence and the analyzer's findings say the same thing.
constexpr std::uint64_t kPivWindow = 64;
constexpr unsigned kMidWindow = 16;
constexpr std::size_t kMaxTokens = 16;
// Requests kept to attribute their responses; a response later than this many requests
// after its own is counted for no identity.
constexpr std::size_t kMaxOpenRequests = 65536;
constexpr std::size_t kMaxTimingCandidates = 64;

std::pair<IpAddress, IpAddress> ip_pair(const MessageRecord& m) { return std::minmax(m.src.ip, m.dst.ip); }

bool own_mid(const MessageRecord& m) { return m.type == CoapType::Con || m.type == CoapType::Non; }

// Adds `value` unless known or the list is full; true when added.
template <class T>
bool remember_bounded(std::vector<T>& list, const T& value) {
  if (list.size() >= Observer::kMaxRemembered || std::find(list.begin(), list.end(), value) != list.end()) {
    return false;
  }
  list.push_back(value);
  return true;
}

// The identities an index names for one key, the latest kMaxPerKey of them.
constexpr std::size_t kMaxPerKey = 64;
template <class Index, class Key>
void index_add(Index& index, const Key& key, std::uint32_t id) {
  auto& ids = index[key];
  if (!ids.empty() && ids.back() == id) return;
  if (ids.size() == kMaxPerKey) ids.erase(ids.begin());
  ids.push_back(id);
}

template <class Index, class Key>
const std::vector<std::uint32_t>* index_find(const Index& index, const Key& key) {
  const auto it = index.find(key);
  return it == index.end() ? nullptr : &it->second;
}

// Moves `id` from `old_value` to `value` in an index of (counter, identity).
template <class Index, class Value>
void reindex(Index& index, const std::optional<Value>& old_value, Value value, std::uint32_t id) {
  if (old_value) index.erase({*old_value, id});
  index.emplace(value, id);
}

// The single earlier identity whose counter lies just below the new one's, if exactly one
// does: where several do, a continued sequence singles out nobody.
class SolePredecessor {
 public:
  explicit SolePredecessor(std::uint32_t id) : id_(id) {}
  // Counters in [low, high), or from `low` to the end without `high`.
  template <class Index, class Value>
  void scan(const Index& index, Value low, std::optional<Value> high) {
    for (auto it = index.lower_bound({low, 0}); it != index.end() && (!high || it->first < *high); ++it) {
      if (it->second >= id_) continue;
      if (found_ != 0 && found_ != it->second) {
        ambiguous_ = true;
        return;
      }
      found_ = it->second;
    }
  }
  std::uint32_t result() const { return ambiguous_ ? 0 : found_; }

 private:
  std::uint32_t id_;
  std::uint32_t found_ = 0;
  bool ambiguous_ = false;
};

}  // namespace

std::uint32_t Observer::observe(const MessageRecord& m) {
  if (!m.oscore) return 0;
  if (m.kind == MessageKind::Request) {
    const std::uint32_t id = identity_of_request(m);
    if (id == 0) return 0;
    if (request_order_.size() == kMaxOpenRequests) {
      request_identity_.erase(request_order_.front());
      request_order_.pop_front();
    }
    request_identity_[m.frame] = id;
    request_order_.push_back(m.frame);
    return id;
  }
  if (m.kind != MessageKind::Response || !m.request_frame) return 0;
  const auto it = request_identity_.find(*m.request_frame);
  if (it == request_identity_.end()) return 0;
  const std::uint32_t id = it->second;
  History& h = history_[id - 1];
  if (!h.seen_response) {
    h.seen_response = true;
    compare_first_response(id, m);
  }
  remember(id, m, false);
  return id;
}

std::uint32_t Observer::identity_of_request(const MessageRecord& m) {
  if (!m.kid) return 0;  // a request without kid names no identity
  IdentityKey key{*m.kid, m.kid_context && !m.kid_context->empty() ? m.kid_context : std::nullopt, m.dst};
  auto [it, added] = by_key_.try_emplace(std::move(key), 0);
  if (added) {
    it->second = static_cast<std::uint32_t>(identities_.size() + 1);
    on_new_identity(it->second, m);
  }
  const std::uint32_t id = it->second;
  History& h = history_[id - 1];
  // Hard evidence can show in any of the new identity's first requests (a reused token, an
  // old address pair); later ones add nothing an observer did not have already.
  if (h.requests < kMaxRemembered) compare_request(id, m, h.requests == 0);
  ++h.requests;
  remember(id, m, true);
  return id;
}

void Observer::on_new_identity(std::uint32_t id, const MessageRecord& m) {
  Identity identity;
  identity.id = id;
  identity.kid = *m.kid;
  if (m.kid_context && !m.kid_context->empty()) identity.kid_context = m.kid_context;
  identity.server = m.dst;
  identity.first_frame = m.frame;
  identity.first_time_us = m.time_us;
  identity.last_time_us = m.time_us;
  identities_.push_back(std::move(identity));
  ServerIndex& server = servers_[m.dst];
  history_.emplace_back().server = &server;
  server.ids.push_back(id);
  server.by_last_time.emplace(m.time_us, id);
}

std::size_t Observer::BytesHash::operator()(const Bytes& b) const {
  return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::size_t Observer::IdentityKeyHash::operator()(const IdentityKey& k) const {
  std::size_t h = BytesHash{}(k.kid);
  if (k.kid_context) h = h * 31 + BytesHash{}(*k.kid_context) + 1;
  const auto& ip = k.server.ip.bytes;
  h = h * 31 + std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(ip.data()), ip.size()));
  return h * 31 + k.server.port;
}

void Observer::compare_request(std::uint32_t id, const MessageRecord& m, bool first_request) {
  const Identity& b = identities_[id - 1];
  const auto earlier = [id](std::uint32_t a) { return a != id && a < id; };
  if (!m.token.empty()) {
    if (const auto it = by_token_.find(m.token); it != by_token_.end()) {
      for (auto a : it->second) if (earlier(a)) add_evidence(a, id, Evidence::TokenReused, m.frame);
    }
  }
  if (!first_request) return;
  if (b.kid_context) {
    if (const auto* ids = index_find(by_kid_context_, *b.kid_context)) {
      for (auto a : *ids) if (earlier(a)) add_evidence(a, id, Evidence::IdContextInClear, m.frame);
    }
  }
  // Counters and timing only mean something towards the same server.
  compare_counters(id, m, true);
  ServerIndex& server = *history_[id - 1].server;
  const auto window_us = static_cast<std::int64_t>(config_.timing_window_s * 1e6);
  // The identities heard from last within the window before this one started, the most
  // recent first; beyond kMaxTimingCandidates the anonymity set says enough.
  std::size_t candidates = 0;
  for (auto it = server.by_last_time.upper_bound({m.time_us, id});
       it != server.by_last_time.begin() && candidates < kMaxTimingCandidates;) {
    --it;
    if (it->first < m.time_us - window_us) break;
    const std::uint32_t a = it->second;
    if (!earlier(a)) continue;
    ++candidates;
    add_evidence(a, id, Evidence::Timing, m.frame);
    if (history_[a - 1].last_was_kudos) add_evidence(a, id, Evidence::KudosNonceLinkable, m.frame);
  }
}

// An address pair new to `id`, against every identity that used it: the older of two is
// linked to the newer (a new kid on old addresses, or an old kid on the new ones).
void Observer::compare_new_pair(std::uint32_t id, const std::pair<IpAddress, IpAddress>& pair,
                                std::uint64_t frame) {
  const auto* ids = index_find(by_pair_, pair);
  if (ids == nullptr) return;
  for (auto other : *ids) {
    if (other < id) add_evidence(other, id, Evidence::SameAddressPair, frame);
    if (other > id) add_evidence(id, other, Evidence::SameAddressPair, frame);
  }
}

// A MAC links what the addresses do not: the client moved but its interface did not (on the
// same addresses same-address-pair says it already, as MAC_UNCHANGED does in the analyzer).
void Observer::compare_new_mac(std::uint32_t id, const MessageRecord& m) {
  const auto* ids = index_find(by_mac_, *m.src_mac);
  if (ids == nullptr) return;
  for (auto a : *ids) {
    const auto& clients = identities_[a - 1].clients;
    const bool moved =
        std::none_of(clients.begin(), clients.end(), [&](const Endpoint& c) { return c.ip == m.src.ip; });
    if (a < id && moved) add_evidence(a, id, Evidence::SameMac, m.frame);
  }
}

void Observer::compare_first_response(std::uint32_t id, const MessageRecord& m) { compare_counters(id, m, false); }

// The first Partial IV and Message ID of the new identity's client (requests) or server
// (responses) against the ones each earlier identity towards that server ended with.
void Observer::compare_counters(std::uint32_t id, const MessageRecord& m, bool client_side) {
  const ServerIndex& server = *history_[id - 1].server;
  const auto& pivs = client_side ? server.by_client_piv : server.by_server_piv;
  const auto& mids = client_side ? server.by_client_mid : server.by_server_mid;
  if (!m.partial_iv.empty()) {
    const std::uint64_t piv = piv_value(m.partial_iv);
    SolePredecessor sole(id);
    sole.scan(pivs, piv > kPivWindow ? piv - kPivWindow : std::uint64_t{0}, std::optional<std::uint64_t>(piv));
    if (const auto a = sole.result()) add_evidence(a, id, Evidence::PivContinues, m.frame);
  }
  if (own_mid(m)) {
    const std::uint16_t mid = m.message_id;
    const auto low = static_cast<std::uint16_t>(mid - kMidWindow);
    SolePredecessor sole(id);
    if (low < mid) {
      sole.scan(mids, low, std::optional<std::uint16_t>(mid));
    } else {  // the window wraps past 65535
      sole.scan(mids, low, std::optional<std::uint16_t>());
      sole.scan(mids, std::uint16_t{0}, std::optional<std::uint16_t>(mid));
    }
    const std::uint32_t a = sole.result();
    if (a != 0) add_evidence(a, id, Evidence::MidContinues, m.frame);
  }
}

void Observer::add_evidence(std::uint32_t from, std::uint32_t to, Evidence e, std::uint64_t frame) {
  auto [it, added] = pending_.try_emplace(std::uint64_t{from} << 32 | to);
  Link& link = it->second;
  if (added) {
    link.from = from;
    link.to = to;
    link.frame = frame;
  }
  link.evidence.add(e);
  link.frame = std::min(link.frame, frame);
}

void Observer::remember(std::uint32_t id, const MessageRecord& m, bool request) {
  Identity& identity = identities_[id - 1];
  History& h = history_[id - 1];
  ServerIndex& server = *h.server;
  server.by_last_time.erase({identity.last_time_us, id});
  ++identity.messages;
  identity.last_frame = m.frame;
  identity.last_time_us = m.time_us;
  server.by_last_time.emplace(m.time_us, id);
  const auto pair = ip_pair(m);
  if (remember_bounded(h.ip_pairs, pair)) {
    compare_new_pair(id, pair, m.frame);
    index_add(by_pair_, pair, id);
  }
  h.last_was_kudos = m.kudos.has_value();
  const bool has_piv = !m.partial_iv.empty();
  if (request) {
    remember_bounded(identity.clients, m.src);
    if (m.src_mac && names_interface(*m.src_mac) && remember_bounded(identity.macs, *m.src_mac)) {
      compare_new_mac(id, m);
      index_add(by_mac_, *m.src_mac, id);
    }
    if (identity.kid_context && h.requests == 1) index_add(by_kid_context_, *identity.kid_context, id);
    if (has_piv) {
      const std::uint64_t piv = piv_value(m.partial_iv);
      reindex(server.by_client_piv, h.last_client_piv, piv, id);
      h.last_client_piv = piv;
      identity.piv_min = std::min(identity.piv_min.value_or(piv), piv);
      identity.piv_max = std::max(identity.piv_max.value_or(piv), piv);
    }
    if (own_mid(m)) {
      reindex(server.by_client_mid, h.last_client_mid, m.message_id, id);
      h.last_client_mid = m.message_id;
    }
    if (!m.token.empty()) {
      if (h.tokens.size() == kMaxTokens) {
        auto& ids = by_token_[h.tokens.front()];
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty()) by_token_.erase(h.tokens.front());
        h.tokens.pop_front();
      }
      h.tokens.push_back(m.token);
      index_add(by_token_, m.token, id);
    }
  } else {
    if (has_piv) {
      const std::uint64_t piv = piv_value(m.partial_iv);
      reindex(server.by_server_piv, h.last_server_piv, piv, id);
      h.last_server_piv = piv;
    }
    if (own_mid(m)) {
      reindex(server.by_server_mid, h.last_server_mid, m.message_id, id);
      h.last_server_mid = m.message_id;
    }
  }
}

void Observer::finish() {
  if (finished_) return;
  finished_ = true;
  const std::int64_t window_us = static_cast<std::int64_t>(config_.timing_window_s * 1e6);
  for (auto& [key, link] : pending_) {
    const Identity& a = identities_[link.from - 1];
    const Identity& b = identities_[link.to - 1];
    // Timing and a continued counter mean the old identity stopped where the new one took
    // over: one that spoke again after the new one started is another sender running beside it.
    if (a.last_time_us > b.first_time_us) {
      for (Evidence e : {Evidence::Timing, Evidence::KudosNonceLinkable, Evidence::PivContinues,
                         Evidence::MidContinues}) {
        link.evidence.remove(e);
      }
    }
    if (link.evidence.has(Evidence::Timing)) {
      // Identities appear in frame order, which is time order in a capture: the ones that
      // started within the window after `from` went quiet are one contiguous run.
      const auto& ids = history_[link.from - 1].server->ids;
      const auto starts_before = [this](std::int64_t t) {
        return [this, t](std::uint32_t c) { return identities_[c - 1].first_time_us < t; };
      };
      const auto lo = std::partition_point(ids.begin(), ids.end(), starts_before(a.last_time_us));
      const auto hi = std::partition_point(lo, ids.end(), starts_before(a.last_time_us + window_us + 1));
      auto starts = static_cast<std::uint32_t>(hi - lo);
      if (std::find(lo, hi, link.from) != hi) --starts;
      link.anonymity_set = starts;
    }
    if (!link.evidence.empty()) links_.push_back(link);
  }
  std::sort(links_.begin(), links_.end(),
            [](const Link& x, const Link& y) { return std::tie(x.to, x.from) < std::tie(y.to, y.from); });
  pending_.clear();
}

const Link* Observer::link(std::uint32_t from, std::uint32_t to) const {
  const auto before = [](const Link& l, const std::pair<std::uint32_t, std::uint32_t>& key) {
    return std::pair{l.to, l.from} < key;
  };
  const auto it = std::lower_bound(links_.begin(), links_.end(), std::pair{to, from}, before);
  return it != links_.end() && it->from == from && it->to == to ? &*it : nullptr;
}

}  // namespace oidu::exposure
