#include "sim/scenarios.hpp"

namespace oidu::sim {
namespace {

using Codes = std::vector<std::string>;

void traffic(World& w, Pair& p, int exchanges, double gap_s) {
  for (int i = 0; i < exchanges; ++i) {
    w.get(p);
    w.idle(gap_s);
  }
}

// The ID update draft's figures: client Sender ID 01, server Sender ID 00, the RFC 8613
// C.1 secret; the initiator offers 42 and the responder 78.
PairSetup figure_pair(const std::string& name, bool server_initiates) {
  PairSetup s;
  s.name = name;
  s.rfc8613_material = true;
  const Bytes initiator{0x42}, responder{0x78};
  s.client_policy = [=](PeerConfig& c) { c.id_update.offer = server_initiates ? responder : initiator; };
  s.server_policy = [=](PeerConfig& c) { c.id_update.offer = server_initiates ? initiator : responder; };
  return s;
}

PairSetup plain_pair(const std::string& name) {
  PairSetup s;
  s.name = name;
  return s;
}

// Four exchanges a few seconds apart: both completion conditions hold at the end.
void id_update(World& w, Pair& p, bool server_initiates) {
  traffic(w, p, 2, 12);
  (server_initiates ? p.server : p.client)->start_id_update();
  traffic(w, p, 4, 5);
}

// The client moves to a new network and goes on there (with the new IDs if the ID
// update completed).
void migration(World& w, Pair& p, bool keep_mac = false, bool keep_mid = false) {
  w.idle(40);
  w.migrate_client(p, keep_mac, keep_mid);
  traffic(w, p, 3, 8);
}

void kudos(World& w, Pair& p, bool server_initiates, bool no_fs) {
  traffic(w, p, 2, 10);
  if (server_initiates) {
    p.server->start_kudos(no_fs);
    traffic(w, p, 3, 4);  // divergent response, convergent request, confirmation
  } else {
    p.client->start_kudos(no_fs);
    ExchangeSpec spec;
    spec.request = post_kudos();
    w.get(p, spec);
    w.idle(3);
    traffic(w, p, 2, 6);
  }
}

PairSetup kudos_pair(const std::string& name, bool no_fs) {
  PairSetup s = plain_pair(name);
  s.bootstrap = no_fs;
  // A non-CAPABLE client (draft-14 4.5.1) is what makes no-FS mode legitimate.
  if (no_fs) s.client_policy = [](PeerConfig& c) { c.kudos.capable = false; };
  return s;
}

// A divergent KUDOS request sent as NON whose answer is lost; the client sends
// another divergent request after its timeout (draft-14 figure "KUDOS Response #1 is Lost").
void kudos_with_lost_response(World& w, Pair& p) {
  traffic(w, p, 2, 10);
  p.client->start_kudos(false);
  ExchangeSpec lost;
  lost.request = post_kudos();
  lost.non = true;
  lost.lose_response = true;
  w.get(p, lost);
  w.idle(3);
  ExchangeSpec again;
  again.request = post_kudos();
  w.get(p, again);
  w.idle(3);
  traffic(w, p, 2, 6);
}

std::vector<Scenario> build() {
  std::vector<Scenario> v;
  auto add = [&](std::string name, std::string summary, Codes findings, std::function<void(World&)> run) {
    Scenario s;
    s.name = std::move(name);
    s.summary = std::move(summary);
    s.findings = std::move(findings);
    s.run = std::move(run);
    v.push_back(std::move(s));
    return &v.back();
  };

  // --- the drafts' flows
  add("idu-client-initiated",
      "ID update draft figure 1: the client offers 42 in a request, the server 78; both complete, the client "
      "migrates (new IP, MAC, port) and uses the new IDs there",
      {}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("idu-client-initiated", false));
        id_update(w, p, false);
        migration(w, p);
      });
  add("idu-server-initiated",
      "ID update draft appendix A.1: the server offers 42 in a response, the client 78; clean migration",
      {}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("idu-server-initiated", true));
        id_update(w, p, true);
        migration(w, p);
      });
  add("idu-rotation",
      "the IDs rotated twice on one context: figure 1's ID update and a move, then a server-initiated one (the "
      "server offers 17, the client 23) and another move; each update's new IDs are the next one's old IDs",
      {}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("idu-rotation", false));
        id_update(w, p, false);
        migration(w, p);
        p.server->set_offer(Bytes{0x17});
        p.client->set_offer(Bytes{0x23});
        id_update(w, p, true);
        migration(w, p);
      });
  add("idu-failure",
      "ID update draft appendix A.2: the server ignores Recipient-ID; the client repeats its offer every REPEAT_TIMER "
      "(93 s) and gives up at ENDING_TIMER (279 s); then migrates keeping the old IDs",
      {"NO_CONTINUATION", "PROCEDURE_FAILED"}, [](World& w) {
        PairSetup s = figure_pair("idu-failure", false);
        s.server_policy = [](PeerConfig& c) { c.id_update.supported = false; };
        Pair& p = w.add_pair(s);
        traffic(w, p, 1, 12);
        p.client->start_id_update();
        traffic(w, p, 4, 100);
        migration(w, p);
      });
  add("idu-kudos-integrated",
      "ID update integrated in a client-initiated KUDOS (FS): Recipient-ID rides in the divergent and convergent "
      "messages, acknowledgements go on under CTX_NEW; clean migration to the new IDs",
      {}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("idu-kudos-integrated", false));
        traffic(w, p, 2, 10);
        p.client->start_kudos(false);
        p.client->start_id_update();
        ExchangeSpec spec;
        spec.request = post_kudos();
        w.get(p, spec);
        w.idle(4);
        traffic(w, p, 3, 5);
        migration(w, p);
      });
  add("kudos-fs-client", "KUDOS in FS mode initiated by the client (draft-14 figure 'Initiated with a Request Message')",
      {}, [](World& w) { Pair& p = w.add_pair(kudos_pair("kudos-fs-client", false)); kudos(w, p, false, false); });
  add("kudos-fs-server", "KUDOS in FS mode initiated by the server with a divergent response (draft-14 A.2)", {},
      [](World& w) { Pair& p = w.add_pair(kudos_pair("kudos-fs-server", false)); kudos(w, p, true, false); });
  add("kudos-nofs-client",
      "KUDOS in no-FS mode ('p' = 1) initiated by a non-CAPABLE client; CTX_IN is CTX_BOOTSTRAP (keys in .keys.json)",
      {}, [](World& w) { Pair& p = w.add_pair(kudos_pair("kudos-nofs-client", true)); kudos(w, p, false, true); });
  add("kudos-nofs-server",
      "KUDOS in no-FS mode initiated by the server towards a non-CAPABLE client (bootstrap keys in .keys.json)", {},
      [](World& w) { Pair& p = w.add_pair(kudos_pair("kudos-nofs-server", true)); kudos(w, p, true, true); });
  add("kudos-response-lost",
      "KUDOS whose convergent response is lost: the client sends a second divergent request with the same X and "
      "nonce and the server stays PENDING (draft-14 4.3.5)",
      {}, [](World& w) { Pair& p = w.add_pair(kudos_pair("kudos-response-lost", false)); kudos_with_lost_response(w, p); });
  add("kudos-back-to-back",
      "the client starts a second KUDOS while the server is still PENDING from the first: its divergent request "
      "is protected with a CTX_TEMP derived from the first CTX_NEW (draft-14 4.3.4)",
      {}, [](World& w) {
        Pair& p = w.add_pair(kudos_pair("kudos-back-to-back", false));
        w.get(p);
        w.idle(2);
        for (int run = 0; run < 2; ++run) {
          p.client->start_kudos(false);
          ExchangeSpec kudos;
          kudos.request = post_kudos();
          w.get(p, kudos);
          w.idle(2);
        }
        w.get(p);
        w.get(p);
      });
  add("crowd-migration",
      "four clients of one server complete ID updates side by side and then all move to new networks at once: "
      "no hard evidence ties an old identity to its new one, and timing leaves an anonymity set of four",
      {}, [](World& w) {
        std::vector<Pair*> pairs;
        for (std::uint8_t i = 0; i < 4; ++i) {
          PairSetup s = plain_pair("crowd-migration-" + std::to_string(i));
          s.client_id = {static_cast<std::uint8_t>(0x10 + i)};
          s.server_id = {static_cast<std::uint8_t>(0x20 + i)};
          const Bytes client_offer{static_cast<std::uint8_t>(0x30 + i)};
          const Bytes server_offer{static_cast<std::uint8_t>(0x40 + i)};
          s.client_policy = [=](PeerConfig& c) { c.id_update.offer = client_offer; };
          s.server_policy = [=](PeerConfig& c) { c.id_update.offer = server_offer; };
          if (!pairs.empty()) s.server_host = pairs.front()->server->host();
          pairs.push_back(&w.add_pair(s));
        }
        auto round = [&] {
          for (Pair* p : pairs) {
            w.get(*p);
            w.idle(0.5);
          }
          w.idle(3);
        };
        round();
        round();
        for (Pair* p : pairs) p->client->start_id_update();
        for (int i = 0; i < 4; ++i) round();
        w.idle(10);
        for (Pair* p : pairs) w.migrate_client(*p);
        for (int i = 0; i < 3; ++i) round();
      });
  add("multi-pair",
      "three client/server pairs interleaved, two on one server host: an ID update with migration, a KUDOS run "
      "and plain traffic with separate responses",
      {}, [](World& w) {
        PairSetup a = figure_pair("multi-pair-a", false);
        Pair& pa = w.add_pair(a);
        PairSetup b = plain_pair("multi-pair-b");
        b.client_id = {0x0b};
        b.server_id = {0x0c};
        b.server_host = pa.server->host();
        Pair& pb = w.add_pair(b);
        PairSetup c = plain_pair("multi-pair-c");
        c.client_id = {};
        c.server_id = {0x01};
        Pair& pc = w.add_pair(c);
        auto round = [&](double gap) {
          w.get(pa);
          w.idle(0.7);
          w.get(pb);
          w.idle(0.4);
          ExchangeSpec sep;
          sep.separate = true;
          w.get(pc, sep);
          w.idle(gap);
        };
        round(6);
        pa.client->start_id_update();
        pb.client->start_kudos(false);
        for (int i = 0; i < 4; ++i) round(5);
        w.idle(30);
        w.migrate_client(pa);
        for (int i = 0; i < 3; ++i) round(7);
      });
  add("idu-ipv6", "the client-initiated ID update and migration over IPv6", {}, [](World& w) {
    Pair& p = w.add_pair(figure_pair("idu-ipv6", false));
    id_update(w, p, false);
    migration(w, p);
  })->ipv6 = true;
  add("idu-transport-pcap",
      "classic pcap: a server-initiated ID update over mixed CoAP transport: retransmitted CON requests, separate "
      "responses (empty ACK, CON, ACK), NON exchanges; clean migration",
      {}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("idu-transport-pcap", true));
        ExchangeSpec retrans;
        retrans.lost_transmissions = 1;
        w.get(p, retrans);
        w.idle(10);
        p.server->start_id_update();
        ExchangeSpec sep;
        sep.separate = true;
        w.get(p, sep);
        w.idle(5);
        ExchangeSpec non;
        non.non = true;
        w.get(p, non);
        w.idle(5);
        ExchangeSpec twice;
        twice.lost_transmissions = 2;
        w.get(p, twice);
        w.idle(5);
        w.get(p, sep);
        w.idle(5);
        migration(w, p);
      })->format = CaptureFormat::Pcap;

  // --- one fault per finding code
  add("fault-rid-reused",
      "the client offers 00, the Recipient ID it already uses; the server aborts with a protected 5.03",
      {"RID_REUSED", "PROCEDURE_FAILED"}, [](World& w) {
        PairSetup s = figure_pair("fault-rid-reused", false);
        s.client_policy = [](PeerConfig& c) { c.id_update.offer = Bytes{0x00}; };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
      });
  add("fault-rid-reused-after-rotation",
      "after figure 1's ID update and a move, the client starts a second one offering 00 again, its Recipient ID "
      "before the first (never to be used again with this Master Secret, Salt and ID Context); the server aborts "
      "with a protected 5.03",
      {"RID_REUSED", "PROCEDURE_FAILED"}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("fault-rid-reused-after-rotation", false));
        id_update(w, p, false);
        migration(w, p);
        p.client->set_offer(Bytes{0x00});
        id_update(w, p, false);
      });
  add("fault-rid-is-own-sender-id",
      "the client offers 00, the server's own Sender ID, and the server goes on instead of aborting",
      {"RID_IS_OWN_SENDER_ID", "RID_REUSED"}, [](World& w) {
        PairSetup s = figure_pair("fault-rid-is-own-sender-id", false);
        s.client_policy = [](PeerConfig& c) { c.id_update.offer = Bytes{0x00}; };
        s.server_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x78};
          c.faults.continue_on_own_sender_id = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
      });
  add("fault-rid-too-long",
      "the client offers an 8-byte Recipient ID (AES-CCM-16-64-128 allows 7); the server aborts with 5.03",
      {"RID_TOO_LONG", "PROCEDURE_FAILED"}, [](World& w) {
        PairSetup s = figure_pair("fault-rid-too-long", false);
        s.client_policy = [](PeerConfig& c) { c.id_update.offer = *from_hex("4142434445464748"); };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
      });
  add("fault-option-in-clear", "the client also sends Recipient-ID and Recipient-ID-Ack as outer options, in clear",
      {"OPTION_IN_CLEAR"}, [](World& w) {
        PairSetup s = figure_pair("fault-option-in-clear", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.options_as_outer = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
        migration(w, p);
      });
  add("fault-ack-mismatch", "the client acknowledges 79 although the server offered 78", {"ACK_MISMATCH"},
      [](World& w) {
        PairSetup s = figure_pair("fault-ack-mismatch", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.wrong_ack = Bytes{0x79};
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
      });
  add("fault-concurrent-procedure", "the client offers 42, then 43 in its next message of the same procedure",
      {"CONCURRENT_PROCEDURE"}, [](World& w) {
        PairSetup s = figure_pair("fault-concurrent-procedure", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.second_offer = Bytes{0x43};
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
      });
  add("fault-error-response-with-rid",
      "the server has no eligible Recipient ID and aborts with a 5.03 that carries Recipient-ID",
      {"ERROR_RESPONSE_WITH_RID", "PROCEDURE_FAILED"}, [](World& w) {
        PairSetup s = figure_pair("fault-error-response-with-rid", false);
        s.server_policy = [](PeerConfig& c) {
          c.id_update.no_eligible_id = true;
          c.faults.rid_in_abort = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
      });
  add("fault-standalone-after-reboot",
      "the server reboots, challenges the client with Echo (RFC 8613 B.1.2), then takes part in a stand-alone ID "
      "update instead of refusing it",
      {"STANDALONE_AFTER_REBOOT"}, [](World& w) {
        PairSetup s = figure_pair("fault-standalone-after-reboot", false);
        s.server_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x78};
          c.faults.participate_after_reboot = true;
        };
        Pair& p = w.add_pair(s);
        traffic(w, p, 2, 20);
        p.server->reboot();
        w.idle(60);
        id_update(w, p, false);
        migration(w, p);
      });
  add("fault-used-before-confirmed",
      "the client moves and uses the new IDs right after learning the server's offer, before its completion condition",
      {"USED_BEFORE_CONFIRMED"}, [](World& w) {
        PairSetup s = figure_pair("fault-used-before-confirmed", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.use_before_confirmed = true;
        };
        Pair& p = w.add_pair(s);
        traffic(w, p, 2, 12);
        p.client->start_id_update();
        traffic(w, p, 1, 5);
        migration(w, p);
      });
  add("fault-nonce-reuse", "the client protects a new request with the Partial IV of its previous one", {"NONCE_REUSE"},
      [](World& w) {
        Pair& p = w.add_pair(plain_pair("fault-nonce-reuse"));
        traffic(w, p, 3, 10);
        p.client->faults().repeat_piv_once = true;
        traffic(w, p, 2, 10);
      });
  add("fault-non-kudos-while-busy",
      "the client's divergent KUDOS request gets no answer and the client, still BUSY, sends a non-KUDOS request",
      {"NON_KUDOS_WHILE_BUSY"}, [](World& w) {
        Pair& p = w.add_pair(kudos_pair("fault-non-kudos-while-busy", false));
        traffic(w, p, 2, 10);
        p.client->start_kudos(false);
        ExchangeSpec lost;
        lost.request = post_kudos();
        lost.non = true;
        lost.lose_response = true;
        w.get(p, lost);
        w.idle(3);
        p.client->faults().non_kudos_while_busy = true;
        traffic(w, p, 3, 6);
      });
  add("fault-kudos-b-bit-changed",
      "the client's second divergent KUDOS request (the first answer was lost) flips the 'b' bit",
      {"KUDOS_B_BIT_CHANGED"}, [](World& w) {
        Pair& p = w.add_pair(kudos_pair("fault-kudos-b-bit-changed", false));
        p.client->faults().flip_b_bit = true;
        kudos_with_lost_response(w, p);
      });
  add("fault-new-id-on-old-network", "after the ID update the client switches to the new IDs without moving",
      {"NEW_ID_ON_OLD_NETWORK"}, [](World& w) {
        PairSetup s = figure_pair("fault-new-id-on-old-network", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.switch_without_migration = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
        traffic(w, p, 3, 8);
      });
  add("fault-old-id-on-new-network",
      "after migrating and switching, the client sends one request with the old IDs on the new network",
      {"OLD_ID_ON_NEW_NETWORK"}, [](World& w) {
        PairSetup s = figure_pair("fault-old-id-on-new-network", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.old_ids_once_after_switch = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
        migration(w, p);
      });
  add("fault-piv-not-reset", "under the new IDs the client continues its old Partial IV sequence", {"PIV_NOT_RESET"},
      [](World& w) {
        PairSetup s = figure_pair("fault-piv-not-reset", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.initial_ssn = 20;
          c.faults.keep_piv = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
        migration(w, p);
      });
  add("fault-mac-unchanged", "the client changes IP address and port across the switch but keeps its MAC address",
      {"MAC_UNCHANGED"}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("fault-mac-unchanged", false));
        id_update(w, p, false);
        migration(w, p, true);
      });
  add("fault-id-context-unchanged",
      "the context has an ID Context that the client sends in clear (kid context) before and after the switch",
      {"ID_CONTEXT_UNCHANGED"}, [](World& w) {
        PairSetup s = figure_pair("fault-id-context-unchanged", false);
        s.id_context = *from_hex("37cbf3210017a2d3");
        s.send_kid_context = true;
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
        migration(w, p);
      });
  add("fault-kudos-no-fs-downgrade",
      "after a KUDOS run in FS mode the client asks for no-FS mode; the server ignores that KUDOS request",
      {"KUDOS_NO_FS_DOWNGRADE"}, [](World& w) {
        PairSetup s = plain_pair("fault-kudos-no-fs-downgrade");
        s.bootstrap = true;
        Pair& p = w.add_pair(s);
        kudos(w, p, false, false);
        w.idle(30);
        p.client->start_kudos(true);
        ExchangeSpec spec;
        spec.request = post_kudos();
        w.get(p, spec);
        w.idle(5);
        traffic(w, p, 2, 6);
      });
  add("fault-decrypt-failed", "one request's ciphertext is corrupted on the way; the server answers 4.00",
      {"DECRYPT_FAILED"}, [](World& w) {
        Pair& p = w.add_pair(plain_pair("fault-decrypt-failed"));
        traffic(w, p, 2, 10);
        p.client->faults().corrupt_next = true;
        traffic(w, p, 3, 10);
      });
  add("fault-no-continuation",
      "the server offers a Recipient ID in a response; the client does not support ID update and ignores it",
      {"NO_CONTINUATION", "PROCEDURE_FAILED"}, [](World& w) {
        PairSetup s = figure_pair("fault-no-continuation", true);
        s.client_policy = [](PeerConfig& c) { c.id_update.supported = false; };
        Pair& p = w.add_pair(s);
        traffic(w, p, 1, 12);
        p.server->start_id_update();
        traffic(w, p, 4, 100);
      });
  add("fault-procedure-failed",
      "the server answers the offer, then reboots and forgets the procedure; the client gives up at ENDING_TIMER",
      {"PROCEDURE_FAILED"}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("fault-procedure-failed", false));
        traffic(w, p, 1, 12);
        p.client->start_id_update();
        traffic(w, p, 1, 30);
        p.server->reboot();
        traffic(w, p, 4, 100);
      });
  add("fault-mid-continues", "after migrating, the client continues its CoAP Message ID sequence",
      {"MID_CONTINUES"}, [](World& w) {
        Pair& p = w.add_pair(figure_pair("fault-mid-continues", false));
        id_update(w, p, false);
        migration(w, p, false, true);
      });
  add("fault-token-reused", "after migrating, the client reuses a token it used before the switch", {"TOKEN_REUSED"},
      [](World& w) {
        PairSetup s = figure_pair("fault-token-reused", false);
        s.client_policy = [](PeerConfig& c) {
          c.id_update.offer = Bytes{0x42};
          c.faults.reuse_token_after_migration = true;
        };
        Pair& p = w.add_pair(s);
        id_update(w, p, false);
        migration(w, p);
      });
  return v;
}

}  // namespace

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = build();
  return all;
}

const Scenario* find_scenario(const std::string& name) {
  for (const auto& s : scenarios())
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace oidu::sim
