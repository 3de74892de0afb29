#!/usr/bin/env python3
"""`analyze -i lo` on real traffic: the test captures on the loopback interface while it
replays a shipped capture's UDP payloads to 127.0.0.1 from and to the capture's ports, then
requires what the analyzer says of the file itself: the same messages decrypted, the same
procedures (type, outcome, frames). A second run is ended by SIGINT half way and must still
write its report and summary in full, with findings and messages streamed as they came.
Live capture needs root or CAP_NET_RAW: without them the test is skipped (77).

  live_capture.py --binary B --capture PCAP --keys KEYS
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

from pcap_datagrams import udp_datagrams

SKIP = 77
GAP_S = 0.02  # between datagrams: the capture's order survives the loopback


def bind_endpoints(ports):
    """A socket per port of the capture on 127.0.0.1, so that every datagram has a
    receiver (no ICMP). Ports already taken are mapped to free ones."""
    sockets, mapping = {}, {}
    for port in sorted(ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.bind(("127.0.0.1", 0))
        sockets[port] = s
        mapping[port] = s.getsockname()[1]
    return sockets, mapping


def start_analyzer(binary, args):
    proc = subprocess.Popen([binary, "analyze", "-i", "lo", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # It says on stderr when the interface is open; only then is it safe to send.
    line = proc.stderr.readline()
    if "capturing on lo" not in line:
        out, err = proc.communicate(timeout=30)
        return None, line + err
    return proc, line


def replay(datagrams, sockets, mapping, count):
    for sport, dport, payload in datagrams[:count]:
        sockets[sport].sendto(payload, ("127.0.0.1", mapping[dport]))
        time.sleep(GAP_S)


def offline(binary, capture, keys, extra):
    run = subprocess.run([binary, "analyze", "--format", "json", "--fail-on", "never", "-k", keys, *extra, capture],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def procedures(doc):
    return [(p["type"], p["outcome"], p["frames"]) for p in doc["procedures"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--capture", required=True)
    parser.add_argument("--keys", required=True)
    args = parser.parse_args()
    datagrams = udp_datagrams(args.capture)
    ports = {p for d in datagrams for p in d[:2]}
    sockets, mapping = bind_endpoints(ports)
    # A port that had to move is no CoAP port by default any more: name it.
    extra = [x for p, q in mapping.items() if p != q for x in ("--port", str(q))]
    if any(p != q for p, q in mapping.items()):
        print(f"ports taken, replaying on {mapping}")
    # The file's own verdict, with the same CoAP ports (the original numbers).
    expected = offline(args.binary, args.capture, args.keys,
                       [x for p, q in mapping.items() if p != q for x in ("--port", str(p))])
    problems = []

    # 1. The whole capture, --count frames, as JSON.
    proc, said = start_analyzer(args.binary, ["--format", "json", "--fail-on", "never", "-k", args.keys,
                                              "--count", str(len(datagrams)), "--duration", "60", *extra])
    if proc is None:
        if "CAP_NET_RAW" in said or "ermission" in said or "not permitted" in said:
            print(f"live capture not permitted here: {said.strip()}")
            return SKIP
        print(f"the analyzer did not start capturing: {said}", file=sys.stderr)
        return 1
    replay(datagrams, sockets, mapping, len(datagrams))
    out, err = proc.communicate(timeout=90)
    if proc.returncode != 0:
        problems.append(f"run 1: exit status {proc.returncode}: {err}")
    else:
        live = json.loads(out)
        if live["summary"]["frames"] != len(datagrams):
            problems.append(f"run 1: {live['summary']['frames']} frames captured, {len(datagrams)} sent")
        if live["summary"]["decrypted"] != expected["summary"]["decrypted"]:
            problems.append(f"run 1: {live['summary']['decrypted']} decrypted, the file gives "
                            f"{expected['summary']['decrypted']}")
        if procedures(live) != procedures(expected):
            problems.append(f"run 1: procedures {procedures(live)}, the file gives {procedures(expected)}")
        numbers = [m["frame"] for m in live["messages"]]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"run 1: frame numbers {numbers}, not 1.. in arrival order")

    # 2. Text, ended by SIGINT after half the datagrams: complete report, streamed lines.
    half = max(1, len(datagrams) // 2)
    proc, said = start_analyzer(args.binary, ["--fail-on", "never", "-k", args.keys, "--duration", "60", *extra])
    if proc is None:
        problems.append(f"run 2 did not start: {said}")
    else:
        replay(datagrams, sockets, mapping, half)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        if proc.returncode != 0:
            problems.append(f"run 2: exit status {proc.returncode} after SIGINT: {err}")
        if f"Summary: {half} frames" not in out:
            problems.append(f"run 2: no summary of {half} frames after SIGINT:\n{out}")
        # After the report's header line and the capture's "== live:lo" line.
        lines = out.splitlines()
        capture_line = next((i for i, line in enumerate(lines) if line.startswith("== ")), None)
        first_line = lines[capture_line + 1] if capture_line is not None and capture_line + 1 < len(lines) else ""
        if not first_line.strip().startswith("1 "):
            problems.append(f"run 2: the first message line is not frame 1: {first_line!r}")

    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(datagrams)} datagrams replayed on lo, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
