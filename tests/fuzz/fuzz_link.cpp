// Link layer to UDP (Ethernet, SLL, SLL2, raw IP, NULL/loopback): the first input byte
// picks the link type, the rest is the frame. A UDP payload must lie inside the frame.
#include <cstdint>

#include "capture/capture.hpp"
#include "fuzz_check.hpp"
#include "link_types.hpp"

namespace oidu::fuzz {

inline void link_one(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const int link_type = kLinkTypes[data[0] % kLinkTypes.size()];
  const ByteView frame_bytes(data + 1, size - 1);
  Frame frame;
  decode_link_frame(link_type, frame_bytes, frame);
  if (frame.is_udp) {
    const auto* begin = frame_bytes.data();
    const auto* end = begin + frame_bytes.size();
    check(frame.udp_payload.empty() ||
              (frame.udp_payload.data() >= begin && frame.udp_payload.data() + frame.udp_payload.size() <= end),
          "UDP payload outside the frame");
    (void)frame.src.to_string();
    (void)frame.dst.to_string();
  }
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::link_one)
