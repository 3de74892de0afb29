#!/usr/bin/env python3
"""Checks the analyzer on interop captures against what the real stacks themselves did.

  check.py --oidu BIN --dir DIR [--case NAME]...     (default: every NAME.truth.json in DIR)

The truth is NAME.truth.json (written by regenerate.py from the stacks' own logs, never from
the analyzer). Per capture it asserts:
  1. the analyzer decrypts exactly the messages the stacks protected with the keys it was
     given (multiset of inner code, option numbers, Recipient-ID/-Ack values, payload);
     CoAP retransmissions may show as duplicates, nothing else may be left over;
  2. every message a stack verified is among them;
  3. messages protected with keys the analyzer does not have (the wrong-keys case) are
     reported as `failed`, one per message;
  4. on every frame tshark's own OSCORE dissector decrypted, the analyzer decrypted the same
     frame with the same inner code, option numbers and payload;
  5. ID update: a procedure exists exactly when a stack sent Recipient-ID; its outcome is
     success exactly when the stacks' messages meet the draft's completion condition (each
     peer verified >= 3 messages with Recipient-ID-Ack and sent >= 2), and then its new IDs
     are the values the stacks offered; no error or warning finding on traffic where both
     stacks did what they should.
Exit 0 when every capture passes, 1 otherwise (each problem printed).
"""
import argparse
import collections
import json
import os
import subprocess
import sys

# Observe: aiocoap keeps a placeholder in its plaintext view. Uri-Host, Uri-Port, Proxy-Uri,
# Proxy-Scheme: class U, libcoap logs them in the PDU it is about to protect, but OSCORE
# moves them to the outer message.
IGNORED_OPTIONS = {6, 3, 7, 35, 39}
VALUED_OPTIONS = {24, 32}


def signature(code, options, payload):
    nums = tuple(sorted(n for n, _ in options if n not in IGNORED_OPTIONS))
    values = tuple(sorted((n, v) for n, v in options if n in VALUED_OPTIONS))
    return (code, nums, values, payload or "")


def analyzer_json(oidu, capture, keys):
    run = subprocess.run([oidu, "analyze", "--format", "json", "--fail-on", "never",
                          "--keys", keys, capture], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"analyzer exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)


def msg_sig(m):
    return signature(m["inner_code"], [(o["number"], o.get("value")) for o in m.get("options", [])],
                     m.get("payload"))


def ev_sig(e):
    return signature(e["code"], [(n, v) for n, v in e["options"]], e["payload"])


def multiset_diff(want, got):
    w, g = collections.Counter(want), collections.Counter(got)
    return list((w - g).elements()), list((g - w).elements())


def id_update_truth(stacks):
    """What the stacks' own logs say about the ID update (None when nobody offered one)."""
    def opts(side, event, number):
        return [dict(e["options"]).get(number) for e in stacks[side]
                if e["event"] == event and number in dict(e["options"])]
    client_offers = opts("client", "protect", 24)
    server_offers = opts("server", "protect", 24)
    if not client_offers and not server_offers:
        return None
    done = {side: len(opts(side, "unprotect", 32)) >= 3 and len(opts(side, "protect", 32)) >= 2
            for side in ("client", "server")}
    return {"client_offer": client_offers[0] if client_offers else None,
            "server_offer": server_offers[0] if server_offers else None,
            "success": all(done.values()) and bool(client_offers) and bool(server_offers)}


def check_case(oidu, directory, name):
    with open(os.path.join(directory, f"{name}.truth.json")) as f:
        truth = json.load(f)
    case, stacks = truth["case"], truth["stacks"]
    doc = analyzer_json(oidu, os.path.join(directory, f"{name}.pcap"),
                        os.path.join(directory, f"{name}.keys.json"))
    problems = []
    msgs = doc["messages"]
    decrypted = [m for m in msgs if m["status"] == "decrypted"]
    # Sides whose Master Secret is in the key file; the other one's messages cannot decrypt.
    keyed = ["server"] if case.get("client_secret") else ["client", "server"]
    protected = [ev_sig(e) for side in keyed for e in stacks[side] if e["event"] == "protect"]
    missing, extra = multiset_diff(protected, [msg_sig(m) for m in decrypted])
    for s in missing:
        problems.append(f"a stack protected {s} but the analyzer decrypted no such message")
    for s in extra:
        problems.append(f"the analyzer decrypted {s}, which no stack protected")
    verified = collections.Counter(ev_sig(e) for side in ("client", "server")
                                   for e in stacks[side] if e["event"] == "unprotect")
    got = collections.Counter(msg_sig(m) for m in decrypted)
    for s, n in (verified - got).items():
        problems.append(f"a stack verified {s} x{n}; the analyzer decrypted it fewer times")
    if case.get("client_secret"):
        wrong = [e for e in stacks["client"] if e["event"] == "protect"]
        failed = [m for m in msgs if m["status"] == "failed"]
        if len(failed) != len(wrong):
            problems.append(f"the client protected {len(wrong)} messages with a wrong key; "
                            f"the analyzer reports {len(failed)} as failed")
        rejected = [e for e in stacks["server"] if e["event"] == "unprotect-failed"]
        if not rejected:
            problems.append("truth: the server never logged a verification failure")
    leftovers = [m["frame"] for m in msgs if m["status"] in ("no-context", "malformed")
                 or (m["status"] == "failed" and not case.get("client_secret"))]
    if leftovers:
        problems.append(f"frames the analyzer could not open: {leftovers}")
    by_frame = {m["frame"]: m for m in decrypted}
    duplicates = {m["frame"] for m in msgs if m["status"] == "duplicate"}
    for frame, ts in (truth.get("tshark") or {}).items():
        m = by_frame.get(int(frame))
        if m is None and int(frame) in duplicates:
            continue  # a CoAP retransmission: tshark decrypts it again, the analyzer links it
        if m is None:
            problems.append(f"frame {frame}: tshark decrypts it, the analyzer does not")
            continue
        mine = {"code": int(m["inner_code"].split(".")[0]) << 5 | int(m["inner_code"].split(".")[1]),
                "options": [o["number"] for o in m.get("options", [])],
                "payload": m.get("payload") or ""}
        for field in ("code", "options", "payload"):
            if ts[field] != mine[field]:
                problems.append(f"frame {frame}: {field}: tshark {ts[field]!r}, analyzer {mine[field]!r}")
    problems += check_procedures(doc, stacks, case)
    return problems, len(decrypted), len(truth.get("tshark") or {})


def check_procedures(doc, stacks, case):
    problems = []
    idu = id_update_truth(stacks)
    procs = [p for p in doc["procedures"] if p["type"] == "id-update"]
    if idu is None:
        if procs:
            problems.append(f"no stack sent Recipient-ID, the analyzer found {len(procs)} ID updates")
    elif not procs:
        problems.append("a stack sent Recipient-ID, the analyzer found no ID update")
    else:
        p = procs[0]
        if (p["outcome"] == "success") != idu["success"]:
            problems.append(f"ID update outcome {p['outcome']}, the stacks' messages say "
                            f"{'success' if idu['success'] else 'not complete'}")
        if idu["success"]:
            want = {"client_sender_id": idu["server_offer"], "server_sender_id": idu["client_offer"]}
            if p.get("new_ids") != want:
                problems.append(f"new IDs {p.get('new_ids')}, the stacks offered {want}")
    if any(p["type"] == "kudos" for p in doc["procedures"]):
        problems.append("a KUDOS procedure, but neither stack implements KUDOS")
    clean = (not case.get("client_secret")) and (idu is None or idu["success"])
    if clean:
        bad = [f"{f['code']}@{f.get('frame')}" for f in doc["findings"]
               if f["severity"] in ("error", "warning")]
        if bad:
            problems.append(f"error/warning findings on traffic both stacks accepted: {bad}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--oidu", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--case", action="append")
    args = ap.parse_args()
    names = args.case or sorted(f[:-len(".truth.json")] for f in os.listdir(args.dir)
                                if f.endswith(".truth.json"))
    if not names:
        print(f"no NAME.truth.json in {args.dir}")
        return 1
    failed = 0
    for name in names:
        try:
            problems, n, t = check_case(args.oidu, args.dir, name)
        except Exception as e:  # a crash of the analyzer or bad input is a failure too
            problems, n, t = [f"{type(e).__name__}: {e}"], 0, 0
        print(f"{'FAIL' if problems else 'ok  '} {name}: {n} decrypted, tshark {t}")
        for p in problems:
            print(f"     {p}")
        failed += bool(problems)
    print(f"{len(names) - failed}/{len(names)} captures agree with the stacks' truth")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
