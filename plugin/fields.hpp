// Header fields, subtrees and expert infos of the `oscore_idu` protocol.
#pragma once
#include <string_view>

#include "analysis/records.hpp"
#include "ws.hpp"

namespace oidu_plugin {

struct Fields {
  int proto = -1;
  int status = -1, problem = -1;
  int option = -1, piv = -1, kid_context = -1, kid = -1;
  int kudos = -1, kudos_x = -1, kudos_z = -1, kudos_b = -1, kudos_p = -1, kudos_m = -1;
  int kudos_nonce = -1, kudos_derivation = -1;
  int context = -1, context_origin = -1, request_in = -1;
  int inner = -1, inner_code = -1, inner_option = -1, inner_option_number = -1;
  int inner_option_name = -1, inner_option_value = -1, payload = -1;
  int recipient_id = -1, recipient_id_ack = -1;
  int procedure = -1, procedure_type = -1, procedure_outcome = -1, procedure_mode = -1;
  int procedure_initiator = -1, procedure_first = -1, procedure_last = -1;
  int procedure_new_context = -1, role = -1, peer_states = -1;
  int findings = -1, finding = -1;
};

struct Subtrees {
  int main = -1, option = -1, kudos_x = -1, inner = -1, inner_option = -1, procedure = -1;
  int findings = -1;
};

extern Fields hf;
extern Subtrees ett;

// Registers everything above plus one expert info per code of the engine's finding
// catalogue, `oscore_idu.expert.<code in lower case>`.
void register_fields(int proto);

// The expert info of a finding code (one per code of the catalogue).
expert_field* expert_for(oidu::FindingCode code);
expert_field* expert_diagnostic();
expert_field* expert_not_analyzed();

}  // namespace oidu_plugin
