#!/usr/bin/env python3
"""`analyze --write-decrypted OUT.pcapng` against tshark's own CoAP dissector (no plugin,
as an unprivileged user with an empty HOME). For each capture, and for copies of some
re-framed as Linux cooked (SLL, SLL2), raw IP and loopback (null) captures:

- the output has as many frames as the input, with the same timestamps;
- every frame the analyzer decrypted shows, in tshark, the inner code, the options (the
  inner ones merged with the outer ones but OSCORE, in number order; Recipient-ID 24 and
  Recipient-ID-Ack 32 among them) and the payload that the analyzer's JSON gives for it,
  and a comment naming its context;
- every other frame is written byte for byte as it was;
- no UDP checksum is bad (udp.check_checksum on, udp.checksum.status 2 = bad).

  decrypted_export.py --binary B --captures DIR
Exit 0 all agree, 1 a difference, 77 skipped (no tshark).
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

# tshark as the unprivileged test user, and its JSON with repeated keys: the same helpers
# as the tshark comparison.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from compare_tshark import unprivileged_prefix as unprivileged, walk  # noqa: E402

SKIP = 77
OSCORE = 9

# (folder under captures/, capture): scenario, ID update, KUDOS, third-party, interop (IPv6 too).
CAPTURES = [
    ("", "idu-client-initiated.pcapng"),
    ("", "idu-ipv6.pcapng"),
    ("", "idu-kudos-integrated.pcapng"),
    ("", "multi-pair.pcapng"),
    ("", "idu-transport-pcap.pcap"),
    ("third-party", "californium-kudos.pcap"),
    ("third-party", "libcoap-oscore-recipient-id-options.pcap"),
    ("third-party/interop", "aiocoap-libcoap-id-update.pcap"),
    ("third-party/interop", "libcoap-libcoap-ipv6-port.pcap"),
]
# Classic pcap Ethernet captures re-framed with other link layers (see reframe()).
REFRAMED = [("third-party", "californium-kudos.pcap"), ("third-party/interop", "libcoap-libcoap-ipv6-port.pcap")]
LINK_SLL, LINK_SLL2, LINK_RAW, LINK_NULL = 113, 276, 101, 0


def keys_for(folder, capture):
    stem = os.path.splitext(capture)[0]
    for name in (stem + ".keys.json", stem + ".oscore_contexts"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return None


def option_value(raw_hex):
    """The value of one CoAP option from its raw bytes (header, extended delta, length)."""
    raw = bytes.fromhex(raw_hex)
    delta, length = raw[0] >> 4, raw[0] & 15
    at = 1 + {13: 1, 14: 2}.get(delta, 0)
    if length == 13:
        length, at = raw[at] + 13, at + 1
    elif length == 14:
        length, at = struct.unpack(">H", raw[at:at + 2])[0] + 269, at + 2
    return raw[at:at + length]


def tshark_frames(home, capture, ports):
    local = os.path.join(home, os.path.basename(capture))
    shutil.copyfile(capture, local)
    prefix = unprivileged(home)  # as root tshark would ignore the empty HOME's settings
    decode_as = [a for p in sorted(ports - {5683}) for a in ("-d", f"udp.port=={p},coap")]
    run = subprocess.run(prefix + ["tshark", "-n", "-r", local, "-o", "udp.check_checksum:TRUE", *decode_as,
                                   "-T", "json", "-x"], capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"tshark failed on {capture}: {run.stderr.strip()[-300:]}")
    frames = {}
    for packet in json.loads(run.stdout, object_pairs_hook=lambda pairs: pairs):
        number = int(walk(packet, "frame.number")[0])
        view = {"raw": walk(packet, "frame_raw")[0][0], "time": walk(packet, "frame.time_epoch")[0],
                "comments": walk(packet, "frame.comment"),
                "checksum_status": walk(packet, "udp.checksum.status")}
        coap = walk(packet, "coap")
        if coap:
            options = []
            for name_tree in walk(coap[0], "coap.opt.name_tree"):
                desc = walk(name_tree, "coap.opt.desc")[0]
                number_of = int(desc.split(",")[0].split()[1])
                options.append((number_of, option_value(walk(name_tree, "coap.opt.desc_raw")[0][0])))
            payload = walk(coap[0], "coap.payload_raw")
            view["coap"] = {"code": int(walk(coap[0], "coap.code")[0]), "options": options,
                            "payload": payload[0][0] if payload else ""}
        frames[number] = view
    return frames


def code_value(text):
    cls, detail = text.split(".")
    return int(cls) << 5 | int(detail)


def same_value(raw, shown):
    """The JSON shows an option's value as text, as a decimal uint, or as hex."""
    candidates = {raw.hex()}
    try:
        candidates.add(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if len(raw) <= 8:
        candidates.add(str(int.from_bytes(raw, "big")))
    return shown in candidates


def expected_options(m):
    inner = [(o["number"], o["value"]) for o in m["options"]]
    numbers = {n for n, _ in inner}
    outer = [(o["number"], o["value"]) for o in m["outer_options"] if o["number"] != OSCORE and o["number"] not in numbers]
    return sorted(inner + outer, key=lambda o: o[0])  # stable: one number keeps its order


def check(binary, work, capture, keys, label):
    out = os.path.join(work, "out-" + os.path.basename(capture) + ".pcapng")
    run = subprocess.run([binary, "analyze", "--format", "json", "--fail-on", "never", "-k", keys,
                          "--write-decrypted", out, capture], capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        return [f"{label}: analyzer exited {run.returncode}: {run.stderr.strip()}"]
    doc = json.loads(run.stdout)
    ports = {int(m[k].rsplit(":", 1)[1]) for m in doc["messages"] for k in ("src", "dst")}
    home = tempfile.mkdtemp(dir=work)
    os.chmod(home, 0o755)
    before = tshark_frames(home, capture, ports)
    after = tshark_frames(home, out, ports)
    problems = []
    if len(after) != len(before) or len(after) != doc["summary"]["frames"]:
        problems.append(f"{label}: {len(after)} frames written, {len(before)} read "
                        f"({doc['summary']['frames']} analysed)")
    decrypted = {m["frame"]: m for m in doc["messages"] if m["status"] == "decrypted"}
    if not decrypted:
        problems.append(f"{label}: the analyzer decrypted nothing: nothing was tested")
    for number, frame in sorted(after.items()):
        if 2 in [int(s) for s in frame["checksum_status"]]:
            problems.append(f"{label} frame {number}: bad UDP checksum")
        if number in before and frame["time"] != before[number]["time"]:
            problems.append(f"{label} frame {number}: time {frame['time']}, was {before[number]['time']}")
        m = decrypted.get(number)
        if m is None:
            if number in before and frame["raw"] != before[number]["raw"]:
                problems.append(f"{label} frame {number}: not decrypted, yet its bytes changed")
            if frame["comments"]:
                problems.append(f"{label} frame {number}: not decrypted, yet commented {frame['comments']}")
            continue
        coap = frame.get("coap")
        if coap is None:
            problems.append(f"{label} frame {number}: tshark sees no CoAP")
            continue
        if coap["code"] != code_value(m["inner_code"]):
            problems.append(f"{label} frame {number}: code {coap['code']}, analyzer {m['inner_code']}")
        want = expected_options(m)
        got = coap["options"]
        if [n for n, _ in got] != [n for n, _ in want] or not all(
                same_value(raw, shown) for (_, raw), (_, shown) in zip(got, want)):
            problems.append(f"{label} frame {number}: options {[(n, v.hex()) for n, v in got]}, analyzer {want}")
        if coap["payload"] != m["payload"]:
            problems.append(f"{label} frame {number}: payload {coap['payload']!r}, analyzer {m['payload']!r}")
        if not any(m["context"] in c for c in frame["comments"]):
            problems.append(f"{label} frame {number}: comment {frame['comments']} does not name {m['context']}")
    id_options = sum(1 for m in decrypted.values() for o in m["options"] if o["number"] in (24, 32))
    print(f"{'FAIL' if problems else 'ok  '} {label}: {len(after)} frames, {len(decrypted)} decrypted, "
          f"{id_options} Recipient-ID/-Ack options")
    return problems


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    header = data[:24]
    link = struct.unpack(endian + "I", header[20:24])[0]
    packets, at = [], 24
    while at + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack(endian + "IIII", data[at:at + 16])
        packets.append((sec, frac, origlen, data[at + 16:at + 16 + caplen]))
        at += 16 + caplen
    return endian, header, link, packets


def reframe(path, link, out_path):
    """The Ethernet capture at `path` with each frame's link header replaced by `link`'s."""
    endian, header, ethernet, packets = read_pcap(path)
    if ethernet != 1:
        raise RuntimeError(f"{path}: link type {ethernet}, not Ethernet")
    out = bytearray(header[:20] + struct.pack(endian + "I", link))
    for sec, frac, origlen, frame in packets:
        ethertype = struct.unpack(">H", frame[12:14])[0]
        ip = frame[14:]
        if link == LINK_SLL:  # packet type, ARPHRD_ETHER, address length, address, protocol
            new = struct.pack(">HHH8sH", 0, 1, 6, frame[6:12] + b"\0\0", ethertype) + ip
        elif link == LINK_SLL2:  # protocol, reserved, ifindex, ARPHRD_ETHER, type, address length, address
            new = struct.pack(">HHIHBB8s", ethertype, 0, 1, 1, 0, 6, frame[6:12] + b"\0\0") + ip
        elif link == LINK_NULL:  # address family, in the (little-endian) capturing host's order
            new = struct.pack("<I", 2 if ethertype == 0x0800 else 24) + ip  # AF_INET6 of NetBSD, which tshark knows
        else:
            new = ip
        out += struct.pack(endian + "IIII", sec, frac, len(new), origlen - len(frame) + len(new)) + new
    with open(out_path, "wb") as f:
        f.write(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", required=True)
    args = parser.parse_args()
    if not shutil.which("tshark"):
        print("SKIP: tshark is not installed")
        return SKIP
    binary = os.path.abspath(args.binary)
    problems = []
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        for sub, name in CAPTURES:
            folder = os.path.join(args.captures, sub)
            capture = os.path.join(folder, name)
            problems += check(binary, work, capture, keys_for(folder, name), os.path.join(sub, name))
        for sub, name in REFRAMED:
            folder = os.path.join(args.captures, sub)
            for link, link_name in ((LINK_SLL, "sll"), (LINK_SLL2, "sll2"), (LINK_RAW, "raw"), (LINK_NULL, "null")):
                copy = os.path.join(work, f"{os.path.splitext(name)[0]}-{link_name}.pcap")
                reframe(os.path.join(folder, name), link, copy)
                problems += check(binary, work, copy, keys_for(folder, name), f"{name} as {link_name}")
        problems += refusals(binary, work, os.path.join(args.captures, "multi-pair.pcapng"),
                             os.path.join(args.captures, "multi-pair.oscore_contexts"))
    for p in problems:
        print(p)
    return 1 if problems else 0


def refusals(binary, work, capture, keys):
    """An output that is an input, or that cannot be created: exit 2, the input intact."""
    problems = []
    copy = os.path.join(work, "input.pcapng")
    shutil.copyfile(capture, copy)
    for label, out in (("the input itself", os.path.join(work, ".", "input.pcapng")),
                       ("an unwritable path", os.path.join(work, "missing-dir", "out.pcapng"))):
        run = subprocess.run([binary, "analyze", "--format", "json", "-k", keys, "--write-decrypted", out, copy],
                             capture_output=True, text=True, timeout=60)
        if run.returncode != 2 or run.stdout or out not in run.stderr:
            problems.append(f"--write-decrypted to {label}: exit {run.returncode}, stderr {run.stderr.strip()!r}")
    with open(copy, "rb") as a, open(capture, "rb") as b:
        if a.read() != b.read():
            problems.append("--write-decrypted overwrote its own input")
    print(f"{'FAIL' if problems else 'ok  '} refusals: output = input, unwritable output")
    return problems


if __name__ == "__main__":
    sys.exit(main())
