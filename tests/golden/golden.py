#!/usr/bin/env python3
"""Golden tests for captures/: the analyzer's JSON on every scenario capture must equal the
committed NAME.expected.json (after dropping volatile fields), and the simulator must write
the committed captures and key files byte for byte.

  golden.py --binary B --captures DIR              compare with the baselines (default mode)
  golden.py --binary B --captures DIR --write      rewrite the baselines (then review the diff)
  golden.py --binary B --captures DIR --reproduce  re-simulate into a temp dir and compare bytes
"""
import argparse
import difflib
import filecmp
import json
import os
import subprocess
import sys
import tempfile

# Fields that depend on how or where the analyzer ran, not on what it found.
VOLATILE = {"file"}


def scrub(value):
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def scenario_captures(directory):
    """(name, capture file, key file) for every scenario capture of `directory`."""
    out = []
    for entry in sorted(os.listdir(directory)):
        stem, ext = os.path.splitext(entry)
        if ext not in (".pcapng", ".pcap"):
            continue
        keys = stem + ".keys.json"
        if not os.path.exists(os.path.join(directory, keys)):
            keys = stem + ".oscore_contexts"
        out.append((stem, entry, keys))
    return out


def analyze(binary, directory, capture, keys):
    # Relative names, run from the folder: context names derive from the key file name.
    proc = subprocess.run([binary, "analyze", "--format", "json", "--fail-on", "never", "-k", keys, capture],
                          cwd=directory, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{capture}: analyzer exited {proc.returncode}: {proc.stderr.strip()}")
    return scrub(json.loads(proc.stdout))


def dump(value):
    return json.dumps(value, indent=2, sort_keys=False) + "\n"


def must_raise(binary):
    """Scenario name -> the finding codes `simulate --list` says it exists to raise."""
    listing = subprocess.run([binary, "simulate", "--list"], capture_output=True, text=True, check=True)
    out = {}
    for line in listing.stdout.splitlines():
        if not line.strip():
            continue
        name = line.split()[0]
        codes = line.rsplit(" [", 1)[1].rstrip("]").split(", ") if line.endswith("]") else []
        out[name] = set(codes)
    return out


def compare_or_write(args):
    failures = 0
    required = must_raise(args.binary)
    captures = scenario_captures(args.captures)
    if not captures:
        print(f"no captures in {args.captures}", file=sys.stderr)
        return 1
    for name, capture, keys in captures:
        expected_path = os.path.join(args.captures, name + ".expected.json")
        try:
            actual = dump(analyze(args.binary, args.captures, capture, keys))
        except (RuntimeError, json.JSONDecodeError) as e:
            print(f"FAIL {name}: {e}")
            failures += 1
            continue
        raised = {f["code"] for f in json.loads(actual).get("findings", [])}
        missing = required.get(name, set()) - raised
        if missing:
            print(f"FAIL {name}: the analyzer does not raise {', '.join(sorted(missing))}")
            failures += 1
        if args.write:
            with open(expected_path, "w", encoding="utf-8") as f:
                f.write(actual)
            print(f"wrote {expected_path}")
            continue
        if not os.path.exists(expected_path):
            print(f"FAIL {name}: no {name}.expected.json (run captures/regenerate.sh --baselines)")
            failures += 1
            continue
        with open(expected_path, encoding="utf-8") as f:
            expected = f.read()
        if expected != actual:
            failures += 1
            print(f"FAIL {name}: analyzer output differs from {name}.expected.json")
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                       name + ".expected.json", "analyzer", n=2))
        else:
            print(f"ok   {name}")
    return 1 if failures else 0


def reproduce(args):
    failures = 0
    listing = subprocess.run([args.binary, "simulate", "--list"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            ext = "pcap" if name.endswith("-pcap") else "pcapng"
            out = os.path.join(tmp, f"{name}.{ext}")
            subprocess.run([args.binary, "simulate", "--scenario", name, "--seed", "1", "-o", out],
                           capture_output=True, check=True)
            for produced in sorted(f for f in os.listdir(tmp) if f.startswith(name + ".")):
                committed = os.path.join(args.captures, produced)
                if not os.path.exists(committed):
                    print(f"FAIL {name}: {produced} is not in {args.captures} (run captures/regenerate.sh)")
                    failures += 1
                elif not filecmp.cmp(committed, os.path.join(tmp, produced), shallow=False):
                    print(f"FAIL {name}: committed {produced} differs from a fresh simulation")
                    failures += 1
                else:
                    print(f"ok   {produced}")
                os.remove(os.path.join(tmp, produced))
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True, help="the oscore-idu executable")
    p.add_argument("--captures", required=True, help="the captures/ folder")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite NAME.expected.json")
    mode.add_argument("--reproduce", action="store_true", help="check that the simulator rewrites the captures")
    args = p.parse_args()
    args.binary = os.path.abspath(args.binary)  # the analyzer runs from the captures folder
    return reproduce(args) if args.reproduce else compare_or_write(args)


if __name__ == "__main__":
    sys.exit(main())
