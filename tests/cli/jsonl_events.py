#!/usr/bin/env python3
"""`analyze --format jsonl` against `--format json` on the same captures: every line parses,
has a documented type, the schema version and the file; each event's record equals, in
order, the JSON document's array entry (messages, procedures, findings, contexts,
diagnostics) and the summary line its summary; each procedure-start comes just before the
first message of its procedure and names it; --no-messages drops exactly the message lines;
several captures in one run give one summary each.

  jsonl_events.py --binary B --captures DIR
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

from jobs_identical import captures_with_keys

SCHEMA = 1
# type -> the key its record is under, and the JSON document's array it matches.
TYPES = {"message": ("message", "messages"), "procedure-start": ("procedure", None),
         "procedure-end": ("procedure", "procedures"), "finding": ("finding", "findings"),
         "context": ("context", "contexts"), "diagnostic": ("diagnostic", "diagnostics"),
         "summary": ("summary", None)}
# Covered by name: ID update, KUDOS, several pairs, a damaged third-party capture.
WANTED = {"idu-client-initiated.pcapng", "idu-kudos-integrated.pcapng", "multi-pair.pcapng",
          "idu-started-before-capture.pcapng", "fault-ack-mismatch.pcapng", "kudos-fs-client.pcapng",
          "californium-kudos.pcap", "libcoap-oscore-recipient-id-options.pcap",
          "aiocoap-libcoap-id-update.pcap", "libcoap-libcoap-ipv6-port.pcap"}


def analyze(binary, folder, args):
    run = subprocess.run([binary, "analyze", "--fail-on", "never", *args], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"exit {run.returncode}: {run.stderr.strip()}")
    return run.stdout


def parse_lines(text, label):
    problems, events = [], []
    if not text.endswith("\n"):
        problems.append(f"{label}: output does not end with a newline")
    for number, line in enumerate(text.splitlines(), 1):
        try:
            event = json.loads(line)
        except ValueError as e:
            problems.append(f"{label} line {number}: not JSON: {e}")
            continue
        if not isinstance(event, dict) or event.get("type") not in TYPES:
            problems.append(f"{label} line {number}: type {event.get('type') if isinstance(event, dict) else event!r}")
            continue
        if event.get("schema") != SCHEMA:
            problems.append(f"{label} line {number}: schema {event.get('schema')!r}")
        key = TYPES[event["type"]][0]
        if set(event) != {"type", "schema", "file", key}:
            problems.append(f"{label} line {number}: keys {sorted(event)}")
        events.append(event)
    return problems, events


def compare(doc, events, label, with_messages=True):
    problems = []
    if any(e["file"] != doc["file"] for e in events):
        problems.append(f"{label}: a line names another file than {doc['file']}")
    for kind, (key, array) in TYPES.items():
        got = [e[key] for e in events if e["type"] == kind]
        if array is None:
            continue
        want = doc[array] if (array != "messages" or with_messages) else []
        if got != want:
            problems.append(f"{label}: {len(got)} {kind} lines, the document has {len(want)} {array}"
                            + (" (same count, different records)" if len(got) == len(want) else ""))
    summaries = [e["summary"] for e in events if e["type"] == "summary"]
    if summaries != [doc["summary"]]:
        problems.append(f"{label}: summary lines {summaries}, document {doc['summary']}")
    elif events[-1]["type"] != "summary":
        problems.append(f"{label}: the summary is not the last line")
    # One start per procedure: from its first message, or (no message names it) from its end.
    starts = [e["procedure"] for e in events if e["type"] == "procedure-start"]
    if sorted(s["id"] for s in starts) != sorted(p["id"] for p in doc["procedures"]):
        problems.append(f"{label}: procedure-start for {sorted(s['id'] for s in starts)}, "
                        f"procedures {sorted(p['id'] for p in doc['procedures'])}")
    first = {}
    for m in doc["messages"]:
        first.setdefault(m.get("procedure"), m)
    records = {p["id"]: p for p in doc["procedures"]}
    for s in starts:
        m = first.get(s["id"])
        if m and (s["frame"], s.get("role"), s.get("context")) != (m["frame"], m["role"], m.get("context")):
            problems.append(f"{label}: procedure-start {s} does not match its first message {m['frame']}")
        if not m and (s["frame"], s.get("context"), "role" in s) != (records[s["id"]]["first_frame"],
                                                                    records[s["id"]]["context"], False):
            problems.append(f"{label}: procedure-start {s} does not match its procedure")
    if with_messages:
        for i, e in enumerate(events):
            if e["type"] == "procedure-start" and e["procedure"]["id"] in first:
                following = events[i + 1] if i + 1 < len(events) else None
                if not following or following["type"] != "message" or \
                        following["message"].get("procedure") != e["procedure"]["id"]:
                    problems.append(f"{label}: procedure-start #{e['procedure']['id']} is not followed by its message")
    ends = {e["procedure"]["id"]: i for i, e in enumerate(events) if e["type"] == "procedure-end"}
    for i, e in enumerate(events):
        if e["type"] == "procedure-start" and ends.get(e["procedure"]["id"], -1) < i:
            problems.append(f"{label}: procedure #{e['procedure']['id']} does not end after it starts")
    return problems


def with_truncated_frame(capture, out_path):
    """A copy of a classic pcap with its first frame again at the end, cut inside the IP
    header: the engine reports that frame as a diagnostic."""
    with open(capture, "rb") as f:
        data = f.read()
    endian = "<" if struct.unpack("<I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    sec, frac, caplen, origlen = struct.unpack(endian + "IIII", data[24:40])
    cut = 14 + 10  # Ethernet header and half an IPv4 header
    with open(out_path, "wb") as f:
        f.write(data + struct.pack(endian + "IIII", sec + 1, frac, cut, origlen) + data[40:40 + cut])


def streaming_problems(binary, folder):
    """Lines come as the engine emits them: on a simulated capture of 100,000 messages the
    first procedure-end and finding lines arrive while the analyzer is still running (the
    JSON document has them only at the end)."""
    capture = os.path.join(folder, "scale.pcapng")
    subprocess.run([binary, "simulate", "--scale", "--pairs", "100", "--messages", "100000", "-o", capture],
                   check=True, capture_output=True, timeout=300)
    keys = os.path.join(folder, "scale.oscore_contexts")
    proc = subprocess.Popen([binary, "analyze", "--format", "jsonl", "--fail-on", "never", "-k", keys, capture],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    still_running, seen = {}, set()
    for line in proc.stdout:
        kind = json.loads(line)["type"]
        if kind in ("procedure-end", "summary") and kind not in seen:
            still_running[kind] = proc.poll() is None
            seen.add(kind)
    proc.wait(timeout=300)
    problems = []
    if not still_running.get("procedure-end"):
        problems.append(f"streaming: the first procedure-end line came after the analyzer ended ({still_running})")
    print(f"streaming: first procedure-end while running: {still_running.get('procedure-end')}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    chosen = [c for c in captures_with_keys(args.captures) if c[1] in WANTED]
    problems = []
    if len(chosen) != len(WANTED):
        problems.append(f"found {len(chosen)} of the {len(WANTED)} captures: "
                        f"{sorted(WANTED - {c[1] for c in chosen})} missing")
    counted = {kind: 0 for kind in TYPES}
    work = tempfile.TemporaryDirectory()
    californium = next((c for c in chosen if c[1] == "californium-kudos.pcap"), None)
    if californium:
        damaged = os.path.join(work.name, "californium-kudos-damaged.pcap")
        with_truncated_frame(os.path.join(californium[0], californium[1]), damaged)
        chosen_and_damaged = chosen + [(work.name, os.path.basename(damaged),
                                        os.path.abspath(os.path.join(californium[0], californium[2])))]
    else:
        chosen_and_damaged = chosen
    for folder, capture, keys in chosen_and_damaged:
        base = ["-k", keys, capture]
        doc = json.loads(analyze(binary, folder, ["--format", "json", *base]))
        for label, extra, with_messages in ((capture, [], True), (capture + " --no-messages", ["--no-messages"], False),
                                            (capture + " --jobs 3", ["--jobs", "3"], True)):
            found, events = parse_lines(analyze(binary, folder, ["--format", "jsonl", *extra, *base]), label)
            problems += found
            problems += compare(doc, events, label, with_messages)
            if not extra:
                for e in events:
                    counted[e["type"]] += 1
    # Two captures in one run: each its own lines, in order, each closed by its summary.
    folder, capture, keys = chosen[0]
    other = next(c for c in chosen if c[0] == folder and c[1] != capture)
    both = analyze(binary, folder, ["--format", "jsonl", "-k", keys, "-k", other[2], capture, other[1]])
    found, events = parse_lines(both, "two captures")
    problems += found
    files = [e["file"] for e in events if e["type"] == "summary"]
    if files != [capture, other[1]]:
        problems.append(f"two captures: summaries for {files}")
    problems += streaming_problems(binary, work.name)
    print("lines per type over all captures:", counted)
    for kind in TYPES:
        if counted[kind] == 0:
            problems.append(f"no {kind} line in any capture: that type was not tested")
    for p in problems:
        print("FAIL", p)
    if not problems:
        print(f"ok   {len(chosen)} captures")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
