#include "procedures_tap.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "capture_state.hpp"
#include "core/bytes.hpp"
#include "ws.hpp"

namespace oidu_plugin {
namespace {

struct TapData {};

constexpr const char* kProceduresTitle = "OSCORE ID Update procedures";

std::string ids_text(const oidu::Bytes& client, const oidu::Bytes& server) {
  return "c=" + (client.empty() ? std::string("''") : oidu::to_hex(client)) +
         " s=" + (server.empty() ? std::string("''") : oidu::to_hex(server));
}

std::string peer_text(const oidu::PeerRecord& p) {
  std::string s;
  if (p.offered) s += "offered " + (p.offered->empty() ? "''" : oidu::to_hex(*p.offered));
  if (p.completed_at) s += (s.empty() ? "" : ", ") + std::string("completed ") +
                           std::to_string(*p.completed_at);
  if (p.final_state) s += (s.empty() ? "" : ", ") + std::string(oidu::kudos_state_name(*p.final_state));
  return s.empty() ? "-" : s;
}

// The table as text: one line per procedure, then its IDs and each peer's part.
std::string procedures_text(const CaptureState& state) {
  const auto& procedures = state.procedures();
  std::string out;
  char line[512];
  const auto put = [&out, &line](int n) {
    if (n > 0) out.append(line, std::min(static_cast<std::size_t>(n), sizeof line - 1));
  };
  out += "===================================================================\n";
  put(std::snprintf(line, sizeof line, "OSCORE ID Update procedures: %zu\n", procedures.size()));
  if (!state.finished()) {
    out += "(the capture is still being read: procedures still open are not listed yet)\n";
  }
  put(std::snprintf(line, sizeof line, "%4s  %-9s  %-9s  %-10s  %-10s  %-13s  %s\n", "ID",
                    "Type", "Initiator", "Mode", "Outcome", "Frames", "Context"));
  for (const auto& [id, p] : procedures) {
    const std::string frames = std::to_string(p.first_frame) + "-" + std::to_string(p.last_frame);
    put(std::snprintf(line, sizeof line, "%4u  %-9s  %-9s  %-10s  %-10s  %-13s  %s\n", id,
                      oidu::procedure_type_name(p.type), oidu::initiator_name(p.initiator),
                      oidu::procedure_mode_name(p.mode), oidu::outcome_name(p.outcome),
                      frames.c_str(), p.context.c_str()));
    out += "      old IDs " + ids_text(p.old_client_id, p.old_server_id);
    if (p.new_client_id && p.new_server_id) {
      out += "  new IDs " + ids_text(*p.new_client_id, *p.new_server_id);
    }
    if (!p.new_context.empty()) out += "  new context " + p.new_context;
    out += "\n      client " + p.client.to_string() + ": " + peer_text(p.client_peer);
    out += "\n      server " + p.server.to_string() + ": " + peer_text(p.server_peer) + "\n";
  }
  out += "===================================================================\n";
  return out;
}

void draw(void*) {
  CaptureState& state = capture_state();
  // tshark draws after its last pass; anything only the end of the capture decides
  // must be in the table.
  state.finish();
  std::printf("\n%s", procedures_text(state).c_str());
}

tap_packet_status no_packets(void*, packet_info*, epan_dissect_t*, const void*, tap_flags_t) {
  return TAP_PACKET_DONT_REDRAW;
}

oidu_tap_init_result init_tap(const char*, void*) {
  static TapData data;
  GString* error = register_tap_listener("oscore_idu", &data, nullptr, TL_REQUIRES_NOTHING,
                                         nullptr, no_packets, draw, nullptr);
  if (error != nullptr) {
    std::fprintf(stderr, "oscore_idu,procedures: %s\n", error->str);
    g_string_free(error, TRUE);
  }
#if OIDU_WS_AT_LEAST(4, 6)
  return error == nullptr;
#endif
}

// Statistics > OSCORE ID Update procedures in the GUI: the same table in a text window.
// The GUI has read the whole file (and finished the state) before a menu can be chosen;
// during a live capture the window says that open procedures are not listed yet.
void open_procedures_window(void*) {
  const funnel_ops_t* ops = funnel_get_funnel_ops();
  if (ops == nullptr || ops->new_text_window == nullptr || ops->set_text == nullptr) return;
  funnel_text_window_t* window = ops->new_text_window(ops->ops_id, kProceduresTitle);
  if (window != nullptr) ops->set_text(window, procedures_text(capture_state()).c_str());
}

}  // namespace

void register_procedures_tap() {
  register_tap("oscore_idu");
  static stat_tap_ui ui = {REGISTER_STAT_GROUP_GENERIC, kProceduresTitle,
                           "oscore_idu,procedures", init_tap, 0, nullptr};
  register_stat_tap_ui(&ui, nullptr);
  // The protocol-specific part of the Statistics menu (REGISTER_STAT_GROUP_GENERIC items
  // from a plugin do not show up there in 4.0).
  funnel_register_menu(kProceduresTitle, REGISTER_PACKET_STAT_GROUP_UNSORTED,
                       open_procedures_window, nullptr, nullptr, false);
}

}  // namespace oidu_plugin
