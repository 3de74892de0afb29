// A postdissector, not a CoAP option dissector: Wireshark's CoAP dissector has no table for
// new options and the name "oscore" is taken by the built-in OSCORE dissector, so the
// plugin runs after both on every frame and adds its own tree.
#include "dissector.hpp"

#include <exception>

#include "capture_state.hpp"
#include "fields.hpp"
#include "frame_input.hpp"
#include "procedures_tap.hpp"
#include "settings.hpp"
#include "tree.hpp"
#include "ws.hpp"

namespace oidu_plugin {
namespace {

int proto_coap = -1;
dissector_handle_t handle = nullptr;

// The engine runs on the first, sequential pass (frames not yet visited) and nowhere else;
// any later dissection only shows what that pass stored.
int dissect(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void*) {
  try {
    CaptureState& state = capture_state();
    GPtrArray* coap_items =
        tree != nullptr && proto_coap > 0 ? proto_get_finfo_ptr_array(tree, proto_coap) : nullptr;
    const FrameInput in = read_frame(tvb, pinfo, coap_items);
    if (!PINFO_FD_VISITED(pinfo)) {
      if (!state.started()) state.start(current_setup());
      if (in.usable) state.feed(in.frame);
    } else {
      // A visited frame means the sequential pass is over (the GUI after loading, or the
      // second pass of `tshark -2`) even where no end-of-pass hook ran.
      state.finish();
    }
    add_frame_tree(tvb, pinfo, tree, in, state);
  } catch (const std::exception&) {
    // C callers cannot unwind C++ exceptions; a frame we cannot show is left as it is.
  }
  return static_cast<int>(tvb_captured_length(tvb));
}

// File opened or closed, or preferences changed (Wireshark then re-dissects from frame 1).
void reset_state() { capture_state().reset(); }

// Called after the sequential pass over a file (tshark's first pass, the GUI's load).
void end_of_pass() { capture_state().finish(); }

}  // namespace

void register_protocol() {
  const int proto = proto_register_protocol("OSCORE ID Update", "OSCORE-IDU", "oscore_idu");
  register_fields(proto);
  register_settings(proto);
  handle = register_dissector("oscore_idu", dissect, proto);
  register_postdissector(handle);
  register_init_routine(reset_state);
  register_cleanup_routine(reset_state);
  register_postseq_cleanup_routine(end_of_pass);
  register_procedures_tap();
}

void register_handoff() {
  // Only needed where the link type is not one the engine decodes itself: then the CoAP
  // bytes come from the `coap` item, which must be in the tree even when nothing is shown.
  proto_coap = proto_get_id_by_filter_name("coap");
  if (proto_coap <= 0) return;
  GArray* wanted = g_array_new(FALSE, FALSE, static_cast<guint>(sizeof(int)));
  g_array_append_val(wanted, proto_coap);
  set_postdissector_wanted_hfids(handle, wanted);
}

}  // namespace oidu_plugin
