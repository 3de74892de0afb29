// From what Wireshark hands a postdissector to the engine's Frame.
//
// The engine's CLI reads the raw link-layer frame; so does the plugin whenever the link
// type is one the capture layer decodes, so both see exactly the same UDP datagrams
// (same ports, same content-based recognition, same fragment handling). For other link
// types the bytes of Wireshark's own `coap` item are used, with pinfo's addresses.
#pragma once
#include "capture/capture.hpp"
#include "ws.hpp"

namespace oidu_plugin {

struct FrameInput {
  oidu::Frame frame;
  // Where the UDP payload (the CoAP message) lies, for highlighting; null if none.
  tvbuff_t* coap_tvb = nullptr;
  int coap_offset = 0;
  int coap_length = 0;
  bool usable = false;  // false: nothing the engine could be given for this frame
};

// `coap_items` are the `coap` protocol items of this frame (may be null).
FrameInput read_frame(tvbuff_t* tvb, packet_info* pinfo, GPtrArray* coap_items);

}  // namespace oidu_plugin
