#!/usr/bin/env python3
"""`oscore-idu exposure` against the truth.

Every scenario capture with keys: the identity changes are the ID update procedures the
analyzer reports as successful; each privacy fault the analyzer finds on a procedure
(NEW_ID_ON_OLD_NETWORK and OLD_ID_ON_NEW_NETWORK, PIV_NOT_RESET, MAC_UNCHANGED, MID_CONTINUES,
TOKEN_REUSED, ID_CONTEXT_UNCHANGED) must be exactly the observer's hard evidence for that change, and a
change without them must be unlinked. The two sides share no code: the analyzer judges the
peers' switch with the keys (analysis/switch_tracker.cpp), the observer only the clear traffic
(exposure/observer.cpp). The scenarios' own fault lists (captures/README.md) are the third
witness. Then the crowd scenario (timing alone cannot link), simulated --scale traffic
(the summary equals the truth), and the output formats.

Usage: exposure_test.py --cli OSCORE_IDU --captures DIR --work DIR TEST
TEST: scenarios | crowd | scale | formats
"""
import argparse
import json
import pathlib
import subprocess
import sys

EVIDENCE_OF = {
    "NEW_ID_ON_OLD_NETWORK": "same-address-pair",
    "OLD_ID_ON_NEW_NETWORK": "same-address-pair",
    "PIV_NOT_RESET": "piv-continues",
    "MAC_UNCHANGED": "same-mac",
    "MID_CONTINUES": "mid-continues",
    "TOKEN_REUSED": "token-reused",
    "ID_CONTEXT_UNCHANGED": "id-context-in-clear",
}
HARD = set(EVIDENCE_OF.values())


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def run(cli, *args, expect=(0, 1)):
    p = subprocess.run([str(cli), *map(str, args)], capture_output=True, text=True, timeout=600)
    check(p.returncode in expect, f"{' '.join(map(str, args))} exited {p.returncode}: {p.stderr.strip()}")
    return p


def key_file(capture):
    for suffix in (".keys.json", ".oscore_contexts"):
        k = capture.with_name(capture.stem + suffix)
        if k.exists():
            return k
    return None


def scenario_captures(directory):
    return [c for c in sorted(directory.glob("*.pcap*")) if key_file(c) is not None]


def judge(cli, capture, keys):
    exposure = json.loads(run(cli, "exposure", "-f", "json", "-k", keys, capture).stdout)
    analysis = json.loads(run(cli, "analyze", "-f", "json", "--fail-on", "never", "-k", keys, capture).stdout)
    return exposure, analysis


def compare(capture, exposure, analysis):
    problems = []
    successful = {p["id"] for p in analysis["procedures"]
                  if p["type"] == "id-update" and p["outcome"] == "success"}
    changes = {c["procedure"]: c for c in exposure["changes"]}
    if set(changes) != successful:
        problems.append(f"changes for procedures {sorted(changes)}, successful ID updates {sorted(successful)}")
    wanted = {}
    for f in analysis["findings"]:
        if f["code"] in EVIDENCE_OF and f.get("procedure") is not None:
            wanted.setdefault(f["procedure"], set()).add(EVIDENCE_OF[f["code"]])
    for pid, change in changes.items():
        hard = set(change["evidence"]) & HARD
        want = wanted.get(pid, set())
        if change["verdict"] == "not-observed":
            # Right only if no request carries the new kid after the procedure began.
            start = next(p["first_frame"] for p in analysis["procedures"] if p["id"] == pid)
            used = [m["frame"] for m in analysis["messages"] if m["kind"] == "request"
                    and m.get("kid") == change["new_kid"] and m["frame"] > start]
            if used:
                problems.append(f"procedure {pid}: new kid {change['new_kid']} in frames {used}, "
                                "but its identity is not observed")
            continue
        if hard != want:
            problems.append(f"procedure {pid}: observer's hard evidence {sorted(hard)}, "
                            f"analyzer's privacy findings say {sorted(want)}")
        verdict = "linked" if want else "unlinked"
        if change["verdict"] != verdict:
            problems.append(f"procedure {pid}: verdict {change['verdict']}, expected {verdict}")
    linked = [c["procedure"] for c in exposure["changes"] if c["verdict"] == "linked"]
    found = sorted(f["procedure"] for f in exposure["findings"])
    if sorted(linked) != found:
        problems.append(f"ID_CHANGE_LINKABLE findings for {found}, linked changes {sorted(linked)}")
    s = exposure["summary"]
    if (s["changes"], s["linked"], s["false_links"]) != (len(changes), len(linked), len(exposure["false_links"])):
        problems.append(f"summary {s} disagrees with the lists")
    return [f"{capture.name}: {p}" for p in problems]


def test_scenarios(args):
    problems, changes, linked = [], 0, 0
    for capture in scenario_captures(args.captures):
        exposure, analysis = judge(args.cli, capture, key_file(capture))
        problems += compare(capture, exposure, analysis)
        changes += len(exposure["changes"])
        linked += exposure["summary"]["linked"]
    print(f"{changes} identity changes, {linked} linked")
    check(changes >= 10, f"only {changes} identity changes in the scenario captures")
    check(linked >= 6, f"only {linked} linked changes: the privacy faults are not seen")
    check(not problems, "\n".join(problems))
    # The faults the scenarios commit on purpose, from the captures' README.
    readme = (args.captures / "README.md").read_text()
    for code, evidence in EVIDENCE_OF.items():
        name = "fault-" + code.lower().replace("_", "-")
        capture = args.captures / f"{name}.pcapng"
        check(capture.exists() and f"`{name}.pcapng`" in readme, f"no scenario {name}")
        exposure, _ = judge(args.cli, capture, key_file(capture))
        check(any(c["verdict"] == "linked" and evidence in c["evidence"] for c in exposure["changes"]),
              f"{name}: no change linked by {evidence}")


def test_crowd(args):
    capture = args.captures / "crowd-migration.pcapng"
    exposure, analysis = judge(args.cli, capture, key_file(capture))
    check(not compare(capture, exposure, analysis), compare(capture, exposure, analysis))
    check(len(exposure["changes"]) == 4, f"{len(exposure['changes'])} changes, expected 4")
    for c in exposure["changes"]:
        check(c["verdict"] == "unlinked", f"procedure {c['procedure']}: {c['verdict']}")
        check(c["evidence"] == ["timing"] and c["anonymity_set"] == 4,
              f"procedure {c['procedure']}: evidence {c['evidence']}, anonymity set {c.get('anonymity_set')}")
    # Timing points at every new identity equally: three of four timing links are false.
    check(all(not l["hard"] and l["evidence"] == ["timing"] for l in exposure["false_links"]),
          "a false link with hard evidence")
    check(len(exposure["false_links"]) == 12, f"{len(exposure['false_links'])} false links, expected 12")


def test_scale(args):
    work = args.work / "scale"
    work.mkdir(parents=True, exist_ok=True)
    capture = work / "scale.pcapng"
    run(args.cli, "simulate", "--scale", "--pairs", "100", "--messages", "20000", "--seed", "7", "-o", capture,
        expect=(0,))
    keys = key_file(capture)
    check(keys is not None, "the simulator wrote no key file")
    exposure, analysis = judge(args.cli, capture, keys)
    problems = compare(capture, exposure, analysis)
    check(not problems, "\n".join(problems))
    check(exposure["summary"]["changes"] >= 5, f"scale traffic has {exposure['summary']['changes']} changes")
    print(f"scale: {exposure['summary']}")


def test_formats(args):
    capture = args.captures / "fault-piv-not-reset.pcapng"
    keys = key_file(capture)
    doc = json.loads(run(args.cli, "exposure", "-f", "json", "-k", keys, capture).stdout)
    for key in ("identities", "links", "changes", "false_links", "summary"):
        check(key in doc, f"JSON has no {key}")
    for key in ("id", "kid", "kid_context", "server", "clients", "macs", "first_frame", "last_frame",
                "messages", "piv_range"):
        check(key in doc["identities"][0], f"identity has no {key}")
    for key in ("from", "to", "evidence", "hard", "frame"):
        check(key in doc["links"][0], f"link has no {key}")
    for key in ("procedure", "old", "new", "verdict", "evidence"):
        check(key in doc["changes"][0], f"change has no {key}")
    # Without keys: the observer alone, no truth in the output.
    plain = json.loads(run(args.cli, "exposure", "-f", "json", capture).stdout)
    check("changes" not in plain and plain["links"] == doc["links"],
          "the observer's links depend on the keys")
    lines = [json.loads(l) for l in run(args.cli, "exposure", "-f", "jsonl", "-k", keys, capture).stdout.splitlines()]
    types = [l["type"] for l in lines]
    check(types.count("identity") == len(doc["identities"]) and types.count("link") == len(doc["links"])
          and types.count("change") == len(doc["changes"]) and types[-1] == "summary",
          f"JSON lines types {types}")
    dot = run(args.cli, "exposure", "-f", "dot", "-k", keys, capture).stdout
    check(dot.startswith("digraph exposure {") and "color=red" in dot, f"dot output: {dot[:200]}")
    text = run(args.cli, "exposure", "-k", keys, capture).stdout
    check("linked (piv-continues)" in text, f"text output: {text}")
    # A linked change is a finding: exit 1; without keys there is nothing to judge: exit 0.
    check(run(args.cli, "exposure", "-k", keys, capture).returncode == 1, "exit status with a linked change")
    check(run(args.cli, "exposure", capture).returncode == 0, "exit status without keys")
    bad = run(args.cli, "exposure", args.captures / "README.md", expect=(2,))
    check("README.md" in bad.stderr, f"unusable capture message: {bad.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True, type=pathlib.Path)
    ap.add_argument("--captures", required=True, type=pathlib.Path)
    ap.add_argument("--work", required=True, type=pathlib.Path)
    ap.add_argument("test", choices=["scenarios", "crowd", "scale", "formats"])
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        globals()["test_" + args.test](args)
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
