#include "cli/record_json.hpp"

#include "analysis/finding_catalogue.hpp"


namespace oidu {
namespace {

ordered_json peer_json(const PeerRecord& p) {
  ordered_json out = ordered_json::object();
  if (p.offered) out["offered"] = to_hex(*p.offered);
  out["completed_at"] = p.completed_at ? ordered_json(*p.completed_at) : ordered_json(nullptr);
  if (!p.final_state.empty()) out["state"] = p.final_state;
  return out;
}

}  // namespace

ordered_json to_json(const ProcedureRecord& p) {
  ordered_json j;
  j["id"] = p.id;
  j["type"] = p.type;
  j["initiator"] = p.initiator;
  j["outcome"] = p.outcome;
  j["mode"] = p.mode;
  if (p.started_before_capture) j["started_before_capture"] = true;
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
  j["code"] = finding_name(f.code);
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
