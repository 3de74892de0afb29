#include "fields.hpp"

#include <cctype>
#include <string>
#include <vector>

#include "analysis/finding_catalogue.hpp"

namespace oidu_plugin {

Fields hf;
Subtrees ett;

namespace {

expert_field ei_diagnostic = EI_INIT;
expert_field ei_not_analyzed = EI_INIT;

// Wireshark keeps pointers into the registration arrays: they live until exit.
struct ExpertRegistry {
  std::vector<std::string> names;      // "oscore_idu.expert.rid_reused"
  std::vector<std::string> summaries;  // "RID_REUSED: a peer offers ..."
  std::vector<expert_field> fields;
  std::vector<ei_register_info> infos;
};

ExpertRegistry& registry() {
  static ExpertRegistry r;
  return r;
}

int severity_of(oidu::Severity s) {
  switch (s) {
    case oidu::Severity::Error: return PI_ERROR;
    case oidu::Severity::Warning: return PI_WARN;
    case oidu::Severity::Info: return PI_NOTE;
  }
  return PI_NOTE;
}

int group_of(oidu::FindingGroup g) {
  switch (g) {
    case oidu::FindingGroup::Protocol: return PI_PROTOCOL;
    case oidu::FindingGroup::Security: return PI_SECURITY;
    case oidu::FindingGroup::Sequence: return PI_SEQUENCE;
    case oidu::FindingGroup::Decryption: return PI_DECRYPTION;
  }
  return PI_PROTOCOL;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ei_register_info expert_info(expert_field* field, const char* name, int group, int severity,
                             const char* summary) {
  ei_register_info info = {field, {name, group, severity, summary, EXPFILL}};
  return info;
}

void register_experts(int proto) {
  auto& r = registry();
  const auto catalogue = oidu::finding_catalogue();
  const std::size_t n = catalogue.size();
  r.names.reserve(n);
  r.summaries.reserve(n);
  r.fields.assign(n, expert_field EI_INIT);
  for (const auto& spec : catalogue) {
    r.names.push_back("oscore_idu.expert." + lower(spec.name));
    r.summaries.push_back(std::string(spec.name) + ": " + spec.when);
  }
  for (std::size_t i = 0; i < n; ++i) {
    r.infos.push_back(expert_info(&r.fields[i], r.names[i].c_str(), group_of(catalogue[i].group),
                                  severity_of(catalogue[i].severity), r.summaries[i].c_str()));
  }
  r.infos.push_back(expert_info(&ei_diagnostic, "oscore_idu.expert.diagnostic", PI_MALFORMED,
                                PI_NOTE, "Input the analysis could not use"));
  r.infos.push_back(expert_info(&ei_not_analyzed, "oscore_idu.expert.not_analyzed",
                                PI_UNDECODED, PI_NOTE,
                                "Frame arrived after the analysis ended; reload to include it"));
  expert_module_t* module = expert_register_protocol(proto);
  expert_register_field_array(module, r.infos.data(), static_cast<int>(r.infos.size()));
}

}  // namespace

expert_field* expert_for(oidu::FindingCode code) {
  return &registry().fields[static_cast<std::size_t>(code)];
}

expert_field* expert_diagnostic() { return &ei_diagnostic; }
expert_field* expert_not_analyzed() { return &ei_not_analyzed; }

void register_fields(int proto) {
  hf.proto = proto;
  // clang-format off
  static hf_register_info fields[] = {
    {&hf.status, {"Status", "oscore_idu.status", FT_STRING, BASE_NONE, nullptr, 0x0,
      "What the engine did with the message: not-oscore, decrypted, no-context, failed, "
      "malformed, duplicate", HFILL}},
    {&hf.problem, {"Problem", "oscore_idu.problem", FT_STRING, BASE_NONE, nullptr, 0x0,
      "Why the message was not decrypted", HFILL}},
    {&hf.option, {"OSCORE option", "oscore_idu.option", FT_BYTES, BASE_NONE | BASE_ALLOW_ZERO, nullptr, 0x0,
      "The OSCORE option value (RFC 8613 6.1, KUDOS flag byte included)", HFILL}},
    {&hf.piv, {"Partial IV", "oscore_idu.piv", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
    {&hf.kid_context, {"kid context", "oscore_idu.kid_context", FT_BYTES, BASE_NONE, nullptr, 0x0,
      nullptr, HFILL}},
    {&hf.kid, {"kid", "oscore_idu.kid", FT_BYTES, BASE_NONE | BASE_ALLOW_ZERO, nullptr, 0x0,
      nullptr, HFILL}},
    {&hf.kudos, {"KUDOS (d)", "oscore_idu.kudos", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
      "The 'd' flag: the message carries KUDOS fields", HFILL}},
    {&hf.kudos_x, {"x", "oscore_idu.kudos.x", FT_UINT8, BASE_HEX, nullptr, 0x0,
      "KUDOS 'x' byte", HFILL}},
    {&hf.kudos_z, {"z (convergent)", "oscore_idu.kudos.z", FT_BOOLEAN, 8, nullptr, 0x40,
      nullptr, HFILL}},
    {&hf.kudos_b, {"b (preserve observations)", "oscore_idu.kudos.b", FT_BOOLEAN, 8, nullptr, 0x20,
      nullptr, HFILL}},
    {&hf.kudos_p, {"p (no forward secrecy)", "oscore_idu.kudos.p", FT_BOOLEAN, 8, nullptr, 0x10,
      nullptr, HFILL}},
    {&hf.kudos_m, {"m (nonce length - 1)", "oscore_idu.kudos.m", FT_UINT8, BASE_DEC, nullptr, 0x0f,
      nullptr, HFILL}},
    {&hf.kudos_nonce, {"Nonce", "oscore_idu.kudos.nonce", FT_BYTES, BASE_NONE, nullptr, 0x0,
      nullptr, HFILL}},
    {&hf.kudos_derivation, {"KUDOS derivation", "oscore_idu.kudos.derivation", FT_STRING,
      BASE_NONE, nullptr, 0x0, "Which KUDOS key derivation opened the message", HFILL}},
    {&hf.context, {"Context", "oscore_idu.context", FT_STRING, BASE_NONE, nullptr, 0x0,
      "Name of the Security Context that opened the message", HFILL}},
    {&hf.context_origin, {"Context origin", "oscore_idu.context_origin", FT_STRING, BASE_NONE,
      nullptr, 0x0, "How the context was obtained: keys, ID update #n, KUDOS #n", HFILL}},
    {&hf.request_in, {"Request in", "oscore_idu.request_in", FT_FRAMENUM, BASE_NONE,
      FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, nullptr, HFILL}},
    {&hf.inner, {"Decrypted inner message", "oscore_idu.inner", FT_NONE, BASE_NONE, nullptr, 0x0,
      nullptr, HFILL}},
    {&hf.inner_code, {"Code", "oscore_idu.inner.code", FT_UINT8, BASE_DEC, nullptr, 0x0,
      "Inner CoAP code", HFILL}},
    {&hf.inner_option, {"Option", "oscore_idu.inner.option", FT_STRING, BASE_NONE, nullptr, 0x0,
      "Inner option, \"Name: value\"", HFILL}},
    {&hf.inner_option_number, {"Number", "oscore_idu.inner.option.number", FT_UINT16, BASE_DEC,
      nullptr, 0x0, nullptr, HFILL}},
    {&hf.inner_option_name, {"Name", "oscore_idu.inner.option.name", FT_STRING, BASE_NONE,
      nullptr, 0x0, nullptr, HFILL}},
    {&hf.inner_option_value, {"Value", "oscore_idu.inner.option.value", FT_BYTES,
      BASE_NONE | BASE_ALLOW_ZERO, nullptr, 0x0, nullptr, HFILL}},
    {&hf.payload, {"Payload", "oscore_idu.payload", FT_BYTES, BASE_NONE, nullptr, 0x0,
      "Inner payload", HFILL}},
    {&hf.recipient_id, {"Recipient-ID", "oscore_idu.recipient_id", FT_BYTES,
      BASE_NONE | BASE_ALLOW_ZERO, nullptr, 0x0,
      "Option 24 (draft-ietf-core-oscore-id-update): the Recipient ID the sender offers",
      HFILL}},
    {&hf.recipient_id_ack, {"Recipient-ID-Ack", "oscore_idu.recipient_id_ack", FT_BYTES,
      BASE_NONE | BASE_ALLOW_ZERO, nullptr, 0x0,
      "Option 32 (draft-ietf-core-oscore-id-update): the offered Recipient ID acknowledged",
      HFILL}},
    {&hf.procedure, {"Procedure", "oscore_idu.procedure", FT_UINT32, BASE_DEC, nullptr, 0x0,
      "ID update or KUDOS execution this message belongs to", HFILL}},
    {&hf.procedure_type, {"Type", "oscore_idu.procedure.type", FT_STRING, BASE_NONE, nullptr, 0x0,
      "id-update or kudos", HFILL}},
    {&hf.procedure_outcome, {"Outcome", "oscore_idu.procedure.outcome", FT_STRING, BASE_NONE,
      nullptr, 0x0, "success, failure, aborted, incomplete", HFILL}},
    {&hf.procedure_mode, {"Mode", "oscore_idu.procedure.mode", FT_STRING, BASE_NONE, nullptr, 0x0,
      "standalone, integrated, fs, no-fs", HFILL}},
    {&hf.procedure_initiator, {"Initiator", "oscore_idu.procedure.initiator", FT_STRING,
      BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
    {&hf.procedure_first, {"First frame", "oscore_idu.procedure.first_frame", FT_FRAMENUM,
      BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
    {&hf.procedure_last, {"Last frame", "oscore_idu.procedure.last_frame", FT_FRAMENUM,
      BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
    {&hf.procedure_new_context, {"New context", "oscore_idu.procedure.new_context", FT_STRING,
      BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
    {&hf.role, {"Role", "oscore_idu.role", FT_STRING, BASE_NONE, nullptr, 0x0,
      "This message's role in the procedure", HFILL}},
    {&hf.peer_states, {"Peer states", "oscore_idu.peer_states", FT_STRING, BASE_NONE, nullptr,
      0x0, "Each peer's state after this message", HFILL}},
    {&hf.findings, {"Findings", "oscore_idu.expert", FT_NONE, BASE_NONE, nullptr, 0x0,
      "Findings of the analysis about this frame", HFILL}},
    {&hf.finding, {"Finding", "oscore_idu.finding", FT_STRING, BASE_NONE, nullptr, 0x0,
      "Finding code", HFILL}},
  };
  // clang-format on
  static int* subtrees[] = {&ett.main,      &ett.option,    &ett.kudos_x, &ett.inner,
                            &ett.inner_option, &ett.procedure, &ett.findings};
  proto_register_field_array(proto, fields, array_length(fields));
  proto_register_subtree_array(subtrees, array_length(subtrees));
  register_experts(proto);
}

}  // namespace oidu_plugin
