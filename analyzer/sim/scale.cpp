// The scale mode: thousands of client/server pairs on distinct addresses talking at
// once, with ID updates (followed by migration) and KUDOS runs sprinkled through.
#include <memory>
#include <vector>

#include "sim/keys_out.hpp"
#include "sim/link.hpp"
#include "sim/simulator.hpp"

namespace oidu::sim {
namespace {

constexpr std::uint32_t kPairsPerServer = 100;

// Addresses from 10.0.0.0/8 or 2001:db8::/32 numbered by `index`: documentation /24s
// are too small for 10,000 clients. `net` separates servers, clients, migrated clients;
// `round` counts a client's tours of the seven client nets, so that it never comes back
// to an address it used (11.0.0.0/8 on the second tour, ...: written, never sent).
Host numbered_host(bool ipv6, std::uint8_t net, std::uint32_t index, std::uint16_t port, std::uint8_t round = 0) {
  Host h;
  h.mac = {0x02, net, static_cast<std::uint8_t>(index >> 24), static_cast<std::uint8_t>(index >> 16),
           static_cast<std::uint8_t>(index >> 8), static_cast<std::uint8_t>(index)};
  if (ipv6) {
    h.ep.ip.version = 6;
    const std::uint8_t prefix[] = {0x20, 0x01, 0x0d, 0xb8, 0x00, net, round};
    for (std::size_t i = 0; i < 7; ++i) h.ep.ip.bytes[i] = prefix[i];
    h.ep.ip.bytes[12] = static_cast<std::uint8_t>(index >> 24);
    h.ep.ip.bytes[13] = static_cast<std::uint8_t>(index >> 16);
    h.ep.ip.bytes[14] = static_cast<std::uint8_t>(index >> 8);
    h.ep.ip.bytes[15] = static_cast<std::uint8_t>(index + 1);
  } else {
    h.ep.ip.version = 4;
    h.ep.ip.bytes[0] = static_cast<std::uint8_t>(10 + round);
    h.ep.ip.bytes[1] = static_cast<std::uint8_t>(net * 32 + ((index >> 16) & 0x1f));
    h.ep.ip.bytes[2] = static_cast<std::uint8_t>(index >> 8);
    h.ep.ip.bytes[3] = static_cast<std::uint8_t>(index & 0xff);
  }
  h.ep.port = port;
  return h;
}

struct ScalePair {
  std::unique_ptr<Peer> client, server;
  std::unique_ptr<Link> link;
  std::uint32_t index = 0;
  std::uint32_t moves = 0;
  bool moved = false;  // the client already migrated after its current ID update
};

}  // namespace

bool run_scale(const ScaleOptions& o, ScaleResult& r, std::string* error) {
  if (o.pairs == 0 || o.pairs > (1u << 21)) {
    if (error) *error = "--pairs must be between 1 and 2097152";
    return false;
  }
  auto writer = CaptureWriter::create(o.output, o.format, error);
  if (!writer) return false;
  Network net(*writer, kStartTimeUs);
  Rng rng(o.seed);
  std::vector<ScalePair> pairs(o.pairs);
  std::vector<KeyRecord> keys;
  keys.reserve(o.pairs);
  for (std::uint32_t i = 0; i < o.pairs; ++i) {
    ContextMaterial m;
    m.master_secret = rng.bytes(16);
    m.master_salt = rng.bytes(8);
    PeerConfig c, s;
    c.role = Role::Client;
    s.role = Role::Server;
    c.material = s.material = m;
    // Two bytes up to 65,536 pairs, three above: every client has an ID of its own.
    c.sender_id = s.recipient_id = i < 0x10000 ? Bytes{static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}
                                               : Bytes{static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                                       static_cast<std::uint8_t>(i)};
    c.recipient_id = s.sender_id = Bytes{0x00};
    c.host = numbered_host(o.ipv6, 1, i, static_cast<std::uint16_t>(49152 + rng.below(16384)));
    s.host = numbered_host(o.ipv6, 0, i / kPairsPerServer, 5683);
    ScalePair& p = pairs[i];
    p.index = i;
    p.client = std::make_unique<Peer>(c, rng, net);
    p.server = std::make_unique<Peer>(s, rng, net);
    p.link = std::make_unique<Link>(net, *p.client, *p.server, rng, 50, 400);
    keys.push_back(KeyRecord{"pair-" + std::to_string(i), c.sender_id, s.sender_id, m, std::nullopt});
  }
  while (net.frames() < o.messages && net.ok()) {
    ScalePair& p = pairs[rng.below(o.pairs)];
    net.advance_us(static_cast<std::int64_t>(rng.below(400)));
    Peer& c = *p.client;
    // Both peers done with the last procedure: the server leaves KUDOS PENDING and the ID
    // update only on the client's first message under the new context or IDs.
    auto idle = [](const Peer& peer) {
      return peer.kudos_state() == Peer::KudosState::Idle && peer.id_phase() != Peer::IdPhase::Running &&
             peer.id_phase() != Peer::IdPhase::Completed;
    };
    // The procedure's last message under the old IDs is out once both peers completed.
    const bool both_completed = c.ready_to_migrate() && p.server->id_phase() == Peer::IdPhase::Completed;
    if (both_completed && !p.moved) {
      p.moved = true;
      // An address it never used: going back would link the IDs (NEW_ID_ON_OLD_NETWORK).
      ++p.moves;
      const auto net_now = static_cast<std::uint8_t>(p.moves % 7 + 1);
      const auto round = static_cast<std::uint8_t>(p.moves / 7 % 246);
      Host to = numbered_host(o.ipv6, net_now, p.index, static_cast<std::uint16_t>(49152 + rng.below(16384)), round);
      c.migrate(to, false, false);
      ++r.migrations;
    } else if (idle(c) && idle(*p.server) && rng.chance(o.procedure_rate)) {
      if (rng.chance(0.7)) {
        p.moved = false;
        c.start_id_update();
        ++r.id_updates;
      } else {
        c.start_kudos(false);
        ++r.kudos_runs;
      }
    }
    ExchangeSpec spec;
    spec.request = get_temp();
    spec.non = rng.chance(0.2);
    p.link->exchange(spec);
  }
  if (!writer->close() || !net.ok()) {
    if (error) *error = o.output + ": write error";
    return false;
  }
  r.frames = net.frames();
  r.keys_file = output_stem(o.output) + ".oscore_contexts";
  return write_key_files(output_stem(o.output), keys, error);
}

}  // namespace oidu::sim
