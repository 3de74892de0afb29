#include "procedures_tap.hpp"

#include <cstdio>
#include <string>

#include "capture_state.hpp"
#include "core/bytes.hpp"
#include "ws.hpp"

namespace oidu_plugin {
namespace {

struct TapData {};

std::string ids_text(const oidu::Bytes& client, const oidu::Bytes& server) {
  return "c=" + (client.empty() ? std::string("''") : oidu::to_hex(client)) +
         " s=" + (server.empty() ? std::string("''") : oidu::to_hex(server));
}

std::string peer_text(const oidu::PeerRecord& p) {
  std::string s;
  if (p.offered) s += "offered " + (p.offered->empty() ? "''" : oidu::to_hex(*p.offered));
  if (p.completed_at) s += (s.empty() ? "" : ", ") + std::string("completed ") +
                           std::to_string(*p.completed_at);
  if (!p.final_state.empty()) s += (s.empty() ? "" : ", ") + p.final_state;
  return s.empty() ? "-" : s;
}

void draw(void*) {
  CaptureState& state = capture_state();
  // tshark draws after its last pass; anything only the end of the capture decides
  // must be in the table.
  state.finish();
  const auto& procedures = state.procedures();
  std::printf("\n===================================================================\n");
  std::printf("OSCORE ID Update procedures: %zu\n", procedures.size());
  std::printf("%4s  %-9s  %-9s  %-10s  %-10s  %-13s  %s\n", "ID", "Type", "Initiator", "Mode",
              "Outcome", "Frames", "Context");
  for (const auto& [id, p] : procedures) {
    const std::string frames = std::to_string(p.first_frame) + "-" + std::to_string(p.last_frame);
    std::printf("%4u  %-9s  %-9s  %-10s  %-10s  %-13s  %s\n", id, p.type.c_str(),
                p.initiator.c_str(), p.mode.c_str(), p.outcome.c_str(), frames.c_str(),
                p.context.c_str());
    std::string ids = "      old IDs " + ids_text(p.old_client_id, p.old_server_id);
    if (p.new_client_id && p.new_server_id) {
      ids += "  new IDs " + ids_text(*p.new_client_id, *p.new_server_id);
    }
    if (!p.new_context.empty()) ids += "  new context " + p.new_context;
    std::printf("%s\n", ids.c_str());
    std::printf("      client %s: %s\n", p.client.to_string().c_str(),
                peer_text(p.client_peer).c_str());
    std::printf("      server %s: %s\n", p.server.to_string().c_str(),
                peer_text(p.server_peer).c_str());
  }
  std::printf("===================================================================\n");
}

tap_packet_status no_packets(void*, packet_info*, epan_dissect_t*, const void*, tap_flags_t) {
  return TAP_PACKET_DONT_REDRAW;
}

void init_tap(const char*, void*) {
  static TapData data;
  GString* error = register_tap_listener("oscore_idu", &data, nullptr, TL_REQUIRES_NOTHING,
                                         nullptr, no_packets, draw, nullptr);
  if (error != nullptr) {
    std::fprintf(stderr, "oscore_idu,procedures: %s\n", error->str);
    g_string_free(error, TRUE);
  }
}

}  // namespace

void register_procedures_tap() {
  register_tap("oscore_idu");
  static stat_tap_ui ui = {REGISTER_STAT_GROUP_GENERIC, "OSCORE ID Update procedures",
                           "oscore_idu,procedures", init_tap, 0, nullptr};
  register_stat_tap_ui(&ui, nullptr);
}

}  // namespace oidu_plugin
