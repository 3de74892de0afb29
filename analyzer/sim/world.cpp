#include "sim/world.hpp"

namespace oidu::sim {

Pair& World::add_pair(const PairSetup& s) {
  ContextMaterial m;
  if (s.rfc8613_material) {
    m.master_secret = *from_hex("0102030405060708090a0b0c0d0e0f10");
    m.master_salt = *from_hex("9e7ca92223786340");
  } else {
    m.master_secret = rng.bytes(16);
    m.master_salt = rng.bytes(8);
  }
  m.id_context = s.id_context;
  std::optional<ContextMaterial> bootstrap;
  if (s.bootstrap) {
    bootstrap = m;
    bootstrap->master_secret = rng.bytes(16);
    bootstrap->master_salt = rng.bytes(8);
  }
  PeerConfig c, v;
  c.role = Role::Client;
  v.role = Role::Server;
  c.material = v.material = m;
  c.bootstrap = v.bootstrap = bootstrap;
  c.sender_id = v.recipient_id = s.client_id;
  c.recipient_id = v.sender_id = s.server_id;
  c.send_kid_context = s.send_kid_context;
  c.host = make_host(rng, ipv6, s.client_subnet, 0);
  v.host = s.server_host ? *s.server_host : make_host(rng, ipv6, s.server_subnet, 5683);
  if (s.client_policy) s.client_policy(c);
  if (s.server_policy) s.server_policy(v);

  auto p = std::make_unique<Pair>();
  p->client = std::make_unique<Peer>(c, rng, net);
  p->server = std::make_unique<Peer>(v, rng, net);
  p->link = std::make_unique<Link>(net, *p->client, *p->server, rng);
  keys.push_back(KeyRecord{s.name, s.client_id, s.server_id, m, bootstrap});
  pairs.push_back(std::move(p));
  return *pairs.back();
}

void World::idle(double seconds) { net.advance_s(seconds * rng.uniform(0.9, 1.1)); }

ExchangeResult World::get(Pair& p, ExchangeSpec spec) {
  if (spec.request.code == 0) spec.request = get_temp();
  return p.link->exchange(spec);
}

void World::migrate_client(Pair& p, bool keep_mac, bool keep_mid) {
  const Host& now = p.client->host();
  Host to = make_host(rng, ipv6, static_cast<std::uint8_t>(now.ep.ip.bytes[ipv6 ? 5 : 0] == 192 ? 1 : 0), 0);
  if (ipv6) to.ep.ip.bytes[5] = static_cast<std::uint8_t>(now.ep.ip.bytes[5] + 1);
  p.client->migrate(to, keep_mac, keep_mid);
}

}  // namespace oidu::sim
