#include "cli/record_json.hpp"

#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

ordered_json options_json(const std::vector<OptionRecord>& options) {
  ordered_json out = ordered_json::array();
  for (const auto& o : options) {
    out.push_back({{"number", o.number}, {"name", option_name(o.number)},
                   {"value", option_value_text(o.number, o.value)}});
  }
  return out;
}

ordered_json peer_json(const PeerRecord& p) {
  ordered_json out = ordered_json::object();
  if (p.offered) out["offered"] = to_hex(*p.offered);
  out["completed_at"] = p.completed_at ? ordered_json(*p.completed_at) : ordered_json(nullptr);
  if (!p.final_state.empty()) out["state"] = p.final_state;
  return out;
}

}  // namespace

ordered_json to_json(const MessageRecord& m) {
  ordered_json j;
  j["frame"] = m.frame;
  j["time"] = format_time(m.time_us);
  j["src"] = m.src.to_string();
  j["dst"] = m.dst.to_string();
  j["kind"] = message_kind_name(m.kind);
  j["type"] = m.type;
  j["code"] = code_text(m.code);
  j["mid"] = m.message_id;
  j["token"] = to_hex(m.token);
  if (m.request_frame) j["request_frame"] = *m.request_frame;
  j["status"] = decrypt_status_name(m.status);
  if (m.oscore) {
    if (m.kid) j["kid"] = to_hex(*m.kid);
    j["piv"] = to_hex(m.partial_iv);
    if (m.kid_context) j["kid_context"] = to_hex(*m.kid_context);
    if (m.kudos) {
      ordered_json k;
      k["x"] = to_hex(Bytes{m.kudos->x});
      k["nonce"] = to_hex(m.kudos->nonce);
      k["z"] = m.kudos->convergent();
      k["b"] = m.kudos->preserve_observations();
      k["p"] = m.kudos->no_fs();
      if (m.kudos->derivation) k["derivation"] = kudos_derivation_name(*m.kudos->derivation);
      j["kudos"] = std::move(k);
    }
  }
  if (!m.context.empty()) {
    j["context"] = m.context;
    j["context_origin"] = m.context_origin;
  }
  if (m.inner_code) {
    j["inner_code"] = code_text(*m.inner_code);
    j["options"] = options_json(m.inner_options);
  }
  j["outer_options"] = options_json(m.outer_options);
  j["payload"] = to_hex(m.payload);
  if (m.procedure) {
    j["procedure"] = *m.procedure;
    j["role"] = m.role;
    if (!m.peer_states.empty()) j["peer_states"] = m.peer_states;
  }
  if (!m.problem.empty()) j["problem"] = m.problem;
  return j;
}

ordered_json to_json(const ProcedureRecord& p) {
  ordered_json j;
  j["id"] = p.id;
  j["type"] = p.type;
  j["initiator"] = p.initiator;
  j["outcome"] = p.outcome;
  j["mode"] = p.mode;
  j["context"] = p.context;
  j["first_frame"] = p.first_frame;
  j["last_frame"] = p.last_frame;
  j["frames"] = p.frames;
  j["client"] = p.client.to_string();
  j["server"] = p.server.to_string();
  j["old_ids"] = {{"client_sender_id", to_hex(p.old_client_id)},
                  {"server_sender_id", to_hex(p.old_server_id)}};
  if (p.new_client_id && p.new_server_id) {
    j["new_ids"] = {{"client_sender_id", to_hex(*p.new_client_id)},
                    {"server_sender_id", to_hex(*p.new_server_id)}};
  }
  j["peers"] = {{"client", peer_json(p.client_peer)}, {"server", peer_json(p.server_peer)}};
  if (p.derivation) j["derivation"] = kudos_derivation_name(*p.derivation);
  if (p.kudos_procedure) j["kudos_procedure"] = *p.kudos_procedure;
  if (!p.new_context.empty()) j["new_context"] = p.new_context;
  return j;
}

ordered_json to_json(const Finding& f) {
  ordered_json j;
  j["code"] = f.code;
  j["severity"] = severity_name(f.severity);
  j["frame"] = f.frame;
  j["procedure"] = f.procedure ? ordered_json(*f.procedure) : ordered_json(nullptr);
  j["message"] = f.message;
  return j;
}

ordered_json to_json(const Diagnostic& d) {
  ordered_json j;
  j["file"] = d.file;
  if (d.frame) j["frame"] = d.frame;
  j["message"] = d.message;
  return j;
}

ordered_json to_json(const Summary& s) {
  ordered_json j;
  j["frames"] = s.frames;
  j["udp_datagrams"] = s.udp_datagrams;
  j["coap_messages"] = s.coap_messages;
  j["oscore_messages"] = s.oscore_messages;
  j["decrypted"] = s.decrypted;
  j["undecryptable"] = s.undecryptable;
  j["duplicates"] = s.duplicates;
  j["malformed"] = s.malformed;
  j["bad_frames"] = s.bad_frames;
  j["procedures"] = s.procedures;
  j["findings"] = s.findings;
  return j;
}

ordered_json to_json(const ContextRecord& c, bool show_keys) {
  ordered_json j;
  j["name"] = c.name;
  j["origin"] = c.origin;
  j["client_sender_id"] = to_hex(c.client_id);
  j["server_sender_id"] = to_hex(c.server_id);
  j["aead"] = c.aead;
  j["hkdf"] = c.hkdf;
  j["id_context"] = c.id_context ? ordered_json(to_hex(*c.id_context)) : ordered_json(nullptr);
  if (c.frame) j["frame"] = c.frame;
  if (show_keys) {
    j["master_secret"] = to_hex(c.master_secret);
    j["master_salt"] = to_hex(c.master_salt);
  }
  return j;
}

}  // namespace oidu
