// The protocol tree of one frame, built only from what the engine stored for it, so every
// dissection of the frame (first pass, `-2`, GUI clicks) shows the same thing.
#pragma once
#include "capture_state.hpp"
#include "frame_input.hpp"
#include "ws.hpp"

namespace oidu_plugin {

void add_frame_tree(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const FrameInput& in,
                    const CaptureState& state);

}  // namespace oidu_plugin
