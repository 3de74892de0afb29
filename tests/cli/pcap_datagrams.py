"""The UDP datagrams of a pcap or pcapng file, with the standard library only: enough of
both formats and of the link layers the shipped captures use (Ethernet, Linux cooked,
raw IP, BSD loopback) to replay a capture's payloads."""
import struct

LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_LOOP, LINK_SLL, LINK_IPV4 = 0, 1, 101, 108, 113, 228


def _ip_udp(data):
    """(src port, dst port, payload) of an IPv4 or IPv6 UDP packet, or None."""
    if not data:
        return None
    version = data[0] >> 4
    if version == 4:
        header = (data[0] & 0x0F) * 4
        total = struct.unpack("!H", data[2:4])[0]
        if data[9] != 17 or len(data) < header + 8:
            return None
        udp = data[header:total]
    elif version == 6:
        if data[6] != 17 or len(data) < 48:
            return None
        udp = data[40:40 + struct.unpack("!H", data[4:6])[0]]
    else:
        return None
    sport, dport, length = struct.unpack("!HHH", udp[:6])
    return sport, dport, bytes(udp[8:length])


def _link(linktype, frame):
    if linktype == LINK_ETHERNET:
        ethertype, rest = struct.unpack("!H", frame[12:14])[0], frame[14:]
        while ethertype == 0x8100:
            ethertype, rest = struct.unpack("!H", rest[2:4])[0], rest[4:]
        return rest if ethertype in (0x0800, 0x86DD) else b""
    if linktype in (LINK_NULL, LINK_LOOP):
        return frame[4:]
    if linktype == LINK_SLL:
        return frame[16:]
    if linktype in (LINK_RAW, 12, 14, LINK_IPV4):
        return frame
    raise ValueError(f"link type {linktype} not handled")


def _pcap_frames(blob):
    magic = blob[:4]
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(order + "I", blob[20:24])[0]
    at = 24
    while at + 16 <= len(blob):
        caplen = struct.unpack(order + "I", blob[at + 8:at + 12])[0]
        yield linktype, blob[at + 16:at + 16 + caplen]
        at += 16 + caplen


def _pcapng_frames(blob):
    order, linktypes, at = "<", [], 0
    while at + 12 <= len(blob):
        block_type = struct.unpack(order + "I", blob[at:at + 4])[0]
        if block_type == 0x0A0D0D0A:
            order = "<" if blob[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes = []
        length = struct.unpack(order + "I", blob[at + 4:at + 8])[0]
        body = blob[at + 8:at + length - 4]
        if block_type == 1:
            linktypes.append(struct.unpack(order + "H", body[:2])[0])
        elif block_type == 6:
            interface, _, _, caplen = struct.unpack(order + "IIII", body[:16])
            yield linktypes[interface], body[20:20 + caplen]
        at += length


def udp_datagrams(path):
    """[(src port, dst port, payload)] of every UDP frame in file order."""
    with open(path, "rb") as f:
        blob = f.read()
    frames = _pcapng_frames(blob) if blob[:4] == b"\x0a\x0d\x0d\x0a" else _pcap_frames(blob)
    out = []
    for linktype, frame in frames:
        udp = _ip_udp(_link(linktype, frame))
        if udp:
            out.append(udp)
    return out


def frame_ends(path):
    """The byte offset just after each frame's record (pcap) or block (pcapng), in order:
    cutting a copy inside record k+1 leaves exactly k whole frames."""
    with open(path, "rb") as f:
        blob = f.read()
    ends = []
    if blob[:4] == b"\x0a\x0d\x0d\x0a":
        order, at = "<", 0
        while at + 12 <= len(blob):
            block_type = struct.unpack(order + "I", blob[at:at + 4])[0]
            if block_type == 0x0A0D0D0A:
                order = "<" if blob[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            length = struct.unpack(order + "I", blob[at + 4:at + 8])[0]
            at += length
            if block_type in (3, 6):  # simple and enhanced packet blocks
                ends.append(at)
        return ends
    order = "<" if blob[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    at = 24
    while at + 16 <= len(blob):
        at += 16 + struct.unpack(order + "I", blob[at + 8:at + 12])[0]
        ends.append(at)
    return ends
