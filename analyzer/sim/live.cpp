#include "sim/live.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "keys/keys.hpp"
#include "sim/link.hpp"

namespace oidu::sim {
namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kMaxRetransmit = 4;  // RFC 7252 4.8
constexpr double kLingerS = 0.5;        // server: answers retransmissions after the last request

struct Datagram {
  Endpoint from;
  Bytes payload;
};

sockaddr_storage to_sockaddr(const Endpoint& ep, socklen_t& len) {
  sockaddr_storage ss{};
  if (ep.ip.version == 6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(ep.port);
    std::memcpy(&a->sin6_addr, ep.ip.bytes.data(), 16);
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(ep.port);
    std::memcpy(&a->sin_addr, ep.ip.bytes.data(), 4);
    len = sizeof(sockaddr_in);
  }
  return ss;
}

Endpoint from_sockaddr(const sockaddr_storage& ss) {
  Endpoint ep;
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    ep.ip.version = 6;
    std::memcpy(ep.ip.bytes.data(), &a->sin6_addr, 16);
    ep.port = ntohs(a->sin6_port);
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    ep.ip.version = 4;
    std::memcpy(ep.ip.bytes.data(), &a->sin_addr, 4);
    ep.port = ntohs(a->sin_port);
  }
  return ep;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

class UdpSocket {
 public:
  ~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  UdpSocket() = default;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  bool open(const Endpoint& bind_to, std::string* error) {
    fd_ = ::socket(bind_to.ip.version == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    if (fd_ < 0) return fail(errno_text("socket"), error);
    socklen_t len = 0;
    const sockaddr_storage ss = to_sockaddr(bind_to, len);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&ss), len) != 0)
      return fail(errno_text("bind " + bind_to.to_string()), error);
    sockaddr_storage bound{};
    len = sizeof bound;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len) != 0)
      return fail(errno_text("getsockname"), error);
    local_ = from_sockaddr(bound);
    return true;
  }
  const Endpoint& local() const { return local_; }

  bool send(const Endpoint& to, const Bytes& payload, std::string* error) {
    socklen_t len = 0;
    const sockaddr_storage ss = to_sockaddr(to, len);
    if (::sendto(fd_, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&ss), len) < 0)
      return fail(errno_text("sendto " + to.to_string()), error);
    return true;
  }

  // The next datagram before `deadline`; nullopt when none came (or on an error).
  std::optional<Datagram> receive(Clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      Datagram d;
      d.payload.resize(65536);
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      const ssize_t got = ::recvfrom(fd_, d.payload.data(), d.payload.size(), 0, reinterpret_cast<sockaddr*>(&ss), &len);
      if (got < 0) return std::nullopt;
      d.payload.resize(static_cast<std::size_t>(got));
      d.from = from_sockaddr(ss);
      return d;
    }
  }

 private:
  static bool fail(const std::string& message, std::string* error) {
    if (error) *error = message;
    return false;
  }
  int fd_ = -1;
  Endpoint local_;
};

Clock::time_point after(double seconds) {
  return Clock::now() + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
}

// The peers' timers (REPEAT_TIMER, ENDING_TIMER) run on wall-clock time here.
void sync_clock(Network& net, Clock::time_point start) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  net.advance_us(us - net.now_us());
}

bool failed(const std::string& message, std::string* error) {
  if (error) *error = message;
  return false;
}

struct Setup {
  Network net{0};
  Rng rng;
  std::unique_ptr<Peer> peer;
  explicit Setup(std::uint64_t seed) : rng(seed) {}
};

bool make_peer(const LiveOptions& o, const Endpoint& local, Setup& s, std::string* error) {
  const KeyLoadResult keys = load_key_file(o.keys_file);
  if (!keys.errors.empty()) return failed(keys.errors.front(), error);
  if (keys.entries.empty()) return failed(o.keys_file + ": no context", error);
  const KeyEntry& k = keys.entries.front();
  PeerConfig c;
  c.role = o.role;
  c.host.ep = local;
  c.material = k.material;
  const bool client = o.role == Role::Client;
  c.sender_id = client ? k.client_id : k.server_id;
  c.recipient_id = client ? k.server_id : k.client_id;
  c.id_update.offer = o.offer;
  s.peer = std::make_unique<Peer>(c, s.rng, s.net);
  return true;
}

// One CON request and its piggybacked response, retransmitted as RFC 7252 4.2 says.
bool exchange(UdpSocket& sock, const Endpoint& server, Peer& peer, Rng& rng, Clock::time_point deadline,
              std::string* error) {
  RequestBinding binding;
  const Sealed req = peer.seal_request(get_temp(), binding);
  const Bytes token = peer.new_token();
  const std::uint16_t mid = peer.next_mid();
  const Bytes datagram = coap_datagram(CoapType::Con, req.outer_code, mid, token, &req, {});
  double timeout = rng.uniform(2.0, 3.0);
  for (unsigned attempt = 0; attempt <= kMaxRetransmit; ++attempt, timeout *= 2) {
    if (!sock.send(server, datagram, error)) return false;
    const auto wait_until = std::min(deadline, after(timeout));
    while (auto d = sock.receive(wait_until)) {
      const auto m = parse_coap(view(d->payload), nullptr);
      if (!m || d->from != server || m->type != CoapType::Ack || m->message_id != mid) continue;
      if (Bytes(m->token.begin(), m->token.end()) != token)
        return failed("response with a foreign token to Message ID " + std::to_string(mid), error);
      if (!open_response_datagram(peer, binding, *m))
        return failed("the response to Message ID " + std::to_string(mid) + " (" + code_text(m->code) +
                          ") does not verify",
                      error);
      return true;
    }
    if (Clock::now() >= deadline) break;
  }
  return failed("no response to Message ID " + std::to_string(mid) + " from " + server.to_string(), error);
}

bool run_client(const LiveOptions& o, LiveResult& r, std::string* error) {
  const auto start = Clock::now();
  const auto deadline = after(o.timeout_s);
  auto sock = std::make_unique<UdpSocket>();
  if (!sock->open(o.bind, error)) return false;
  Setup s(o.seed);
  if (!make_peer(o, sock->local(), s, error)) return false;
  Peer& peer = *s.peer;
  for (unsigned i = 1; i <= o.exchanges; ++i) {
    sync_clock(s.net, start);
    if (i == o.id_update_at) peer.start_id_update();
    if (!exchange(*sock, o.peer, peer, s.rng, deadline, error)) return false;
    ++r.exchanges;
    // ready_to_migrate: its last acknowledgement went out with this request, so the
    // server completed on it; the response was the procedure's last old-ID message.
    if (o.migrate_to && !r.migrated_to && peer.ready_to_migrate()) {
      auto moved = std::make_unique<UdpSocket>();
      if (!moved->open(*o.migrate_to, error)) return false;
      sock = std::move(moved);
      peer.migrate(Host{{}, sock->local()}, false, false);
      r.migrated_to = sock->local();
    }
    if (i < o.exchanges) std::this_thread::sleep_until(std::min(deadline, after(o.gap_s)));
  }
  r.sender_id = peer.sender_id();
  r.recipient_id = peer.recipient_id();
  if (o.id_update_at != 0 && !peer.using_new_ids()) return failed("the ID update did not complete", error);
  if (o.migrate_to && !r.migrated_to) return failed("never ready to migrate", error);
  return true;
}

bool run_server(const LiveOptions& o, LiveResult& r, std::string* error) {
  const auto start = Clock::now();
  auto deadline = after(o.timeout_s);
  UdpSocket sock;
  if (!sock.open(o.bind, error)) return false;
  Setup s(o.seed);
  if (!make_peer(o, sock.local(), s, error)) return false;
  Peer& peer = *s.peer;
  // RFC 7252 4.5: a retransmitted CON gets the same ACK again, not a second processing.
  std::optional<std::pair<Endpoint, std::uint16_t>> last_request;
  Bytes last_answer;
  while (auto d = sock.receive(deadline)) {
    const auto m = parse_coap(view(d->payload), nullptr);
    if (!m || !m->is_request() || m->type != CoapType::Con) continue;
    const Bytes token(m->token.begin(), m->token.end());
    if (last_request && last_request->first == d->from && last_request->second == m->message_id) {
      if (!sock.send(d->from, last_answer, error)) return false;
      continue;
    }
    sync_clock(s.net, start);
    if (r.exchanges + 1 == o.id_update_at) peer.start_id_update();
    RequestBinding binding;
    const auto request = open_request_datagram(peer, *m, binding);
    if (request) {
      const Sealed resp = peer.seal_response(binding, peer.answer(*request));
      last_answer = coap_datagram(CoapType::Ack, resp.outer_code, m->message_id, token, &resp, {});
      ++r.exchanges;
    } else {
      last_answer = decryption_failed_datagram(CoapType::Ack, m->message_id, token);
    }
    last_request = std::make_pair(d->from, m->message_id);
    if (!sock.send(d->from, last_answer, error)) return false;
    if (r.exchanges == o.exchanges) deadline = std::min(deadline, after(kLingerS));
  }
  r.sender_id = peer.sender_id();
  r.recipient_id = peer.recipient_id();
  if (r.exchanges < o.exchanges)
    return failed("answered " + std::to_string(r.exchanges) + " of " + std::to_string(o.exchanges) +
                      " requests before the deadline",
                  error);
  return true;
}

}  // namespace

std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port) {
  std::string host(text);
  std::optional<std::string> port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos) return std::nullopt;
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return std::nullopt;
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (host.find(':') == host.rfind(':') && host.find(':') != std::string::npos) {
    port = host.substr(host.find(':') + 1);
    host.resize(host.find(':'));
  }
  Endpoint ep;
  if (inet_pton(AF_INET, host.c_str(), ep.ip.bytes.data()) == 1) {
    ep.ip.version = 4;
  } else if (inet_pton(AF_INET6, host.c_str(), ep.ip.bytes.data()) == 1) {
    ep.ip.version = 6;
  } else {
    return std::nullopt;
  }
  ep.port = default_port;
  if (port) {
    if (port->empty() || port->size() > 5 || port->find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    const unsigned long p = std::stoul(*port);
    if (p > 65535) return std::nullopt;
    ep.port = static_cast<std::uint16_t>(p);
  }
  return ep;
}

bool run_live_peer(const LiveOptions& o, LiveResult& r, std::string* error) {
  if (o.timeout_s <= 0 || o.timeout_s > 600) return failed("--timeout must be in (0, 600] seconds", error);
  if (o.role == Role::Client && o.peer.port == 0) return failed("--peer ADDR:PORT is required", error);
  if (o.migrate_to && o.migrate_to->ip.version != o.bind.ip.version)
    return failed("--migrate-to must be of the same IP version as --bind", error);
  return o.role == Role::Client ? run_client(o, r, error) : run_server(o, r, error);
}

}  // namespace oidu::sim
