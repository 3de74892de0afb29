#include "frame_input.hpp"

#include <cstring>
#include <optional>

namespace oidu_plugin {
namespace {

// libpcap DLT_* values for the Wireshark encapsulations the capture layer decodes.
std::optional<int> link_type_of(int wtap_encap) {
  switch (wtap_encap) {
    case WTAP_ENCAP_NULL: return 0;       // DLT_NULL
    case WTAP_ENCAP_ETHERNET: return 1;   // DLT_EN10MB
    case WTAP_ENCAP_RAW_IP: return 101;   // LINKTYPE_RAW
    case WTAP_ENCAP_LOOP: return 108;     // DLT_LOOP
    case WTAP_ENCAP_SLL: return 113;      // DLT_LINUX_SLL
    case WTAP_ENCAP_RAW_IP4: return 228;  // DLT_IPV4
    case WTAP_ENCAP_RAW_IP6: return 229;  // DLT_IPV6
    case WTAP_ENCAP_SLL2: return 276;     // DLT_LINUX_SLL2
    default: return std::nullopt;
  }
}

std::int64_t time_us(const nstime_t& t) {
  return static_cast<std::int64_t>(t.secs) * 1000000 + t.nsecs / 1000;
}

bool ip_of(const address& a, oidu::IpAddress& ip) {
  if (a.type == AT_IPv4 && a.len == 4) {
    ip.version = 4;
  } else if (a.type == AT_IPv6 && a.len == 16) {
    ip.version = 6;
  } else {
    return false;
  }
  ip.bytes = {};
  std::memcpy(ip.bytes.data(), a.data, static_cast<std::size_t>(a.len));
  return true;
}

std::optional<oidu::MacAddress> mac_of(const address& a) {
  if (a.type != AT_ETHER || a.len != 6) return std::nullopt;
  oidu::MacAddress mac{};
  std::memcpy(mac.data(), a.data, mac.size());
  return mac;
}

void from_coap_item(packet_info* pinfo, GPtrArray* coap_items, FrameInput& in) {
  if (coap_items == nullptr || coap_items->len == 0 || pinfo->ptype != PT_UDP) return;
  const auto* fi = static_cast<const field_info*>(g_ptr_array_index(coap_items, 0));
  if (fi->ds_tvb == nullptr || fi->length <= 0) return;
  if (!ip_of(pinfo->src, in.frame.src.ip) || !ip_of(pinfo->dst, in.frame.dst.ip)) return;
  in.frame.src.port = static_cast<std::uint16_t>(pinfo->srcport);
  in.frame.dst.port = static_cast<std::uint16_t>(pinfo->destport);
  in.frame.src_mac = mac_of(pinfo->dl_src);
  in.frame.dst_mac = mac_of(pinfo->dl_dst);
  const guint8* data = tvb_get_ptr(fi->ds_tvb, fi->start, fi->length);
  in.frame.udp_payload = oidu::ByteView(data, static_cast<std::size_t>(fi->length));
  in.frame.is_udp = true;
  in.coap_tvb = fi->ds_tvb;
  in.coap_offset = fi->start;
  in.coap_length = fi->length;
  in.usable = true;
}

void from_link_frame(tvbuff_t* tvb, int link_type, FrameInput& in) {
  const guint length = tvb_captured_length(tvb);
  const guint8* data = tvb_get_ptr(tvb, 0, static_cast<gint>(length));
  oidu::decode_link_frame(link_type, oidu::ByteView(data, length), in.frame);
  in.usable = true;
  if (in.frame.is_udp && !in.frame.udp_payload.empty()) {
    in.coap_tvb = tvb;
    in.coap_offset = static_cast<int>(in.frame.udp_payload.data() - data);
    in.coap_length = static_cast<int>(in.frame.udp_payload.size());
  }
}

}  // namespace

FrameInput read_frame(tvbuff_t* tvb, packet_info* pinfo, GPtrArray* coap_items) {
  FrameInput in;
  const std::optional<int> link_type =
      pinfo->rec != nullptr && pinfo->rec->rec_type == REC_TYPE_PACKET
          ? link_type_of(pinfo->rec->rec_header.packet_header.pkt_encap)
          : std::nullopt;
  if (!link_type) {
    from_coap_item(pinfo, coap_items, in);
  } else {
    from_link_frame(tvb, *link_type, in);
  }
  // Set last: the link decoder fills a whole Frame.
  in.frame.number = pinfo->num;
  in.frame.time_us = time_us(pinfo->abs_ts);
  in.frame.captured_length = tvb_captured_length(tvb);
  return in;
}

}  // namespace oidu_plugin
