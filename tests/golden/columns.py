#!/usr/bin/env python3
"""Column baselines, the btest way: per capture, a small text of selected columns of the
analyzer's report (one line per message: frame, status, context origin, inner code, role in
its procedure; then procedures and findings), compared with the committed NAME.golden.txt
and shown as a unified diff when they differ. A change in one message shows as one line.

  columns.py --binary B --dir DIR            compare every capture of DIR that has keys
  columns.py --binary B --dir DIR --write    rewrite the baselines (then review the diff)

Keys: NAME.keys.json if present, else NAME.oscore_contexts. Exit 0 same, 1 differences.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys


def captures(directory):
    for entry in sorted(os.listdir(directory)):
        stem, ext = os.path.splitext(entry)
        if ext not in (".pcap", ".pcapng"):
            continue
        for keys in (stem + ".keys.json", stem + ".oscore_contexts"):
            if os.path.exists(os.path.join(directory, keys)):
                yield stem, entry, keys
                break


def columns(binary, directory, capture, keys):
    run = subprocess.run([binary, "analyze", "--format", "json", "--fail-on", "never",
                          "-k", keys, capture], cwd=directory, capture_output=True, text=True,
                         timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"{capture}: analyzer exited {run.returncode}: {run.stderr.strip()}")
    doc = json.loads(run.stdout)
    out = ["# frame status context inner-code role"]
    for m in doc["messages"]:
        role = f"#{m['procedure']}:{m['role']}" if "procedure" in m else "-"
        out.append(" ".join(str(v) for v in (m["frame"], m["status"],
                                             m.get("context_origin", "-"),
                                             m.get("inner_code", "-"), role)))
    out.append("# procedures: id type initiator outcome frames")
    for p in doc["procedures"]:
        out.append(f"#{p['id']} {p['type']} {p.get('initiator', '-')} {p.get('outcome', '-')} "
                   f"{p.get('first_frame', '-')}-{p.get('last_frame', '-')}")
    out.append("# findings: frame severity code")
    for f in doc["findings"]:
        out.append(f"{f.get('frame', '-')} {f['severity']} {f['code']}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)  # the analyzer runs from the capture folder
    failures = count = 0
    for stem, capture, keys in captures(args.dir):
        count += 1
        path = os.path.join(args.dir, stem + ".golden.txt")
        got = columns(args.binary, args.dir, capture, keys)
        if args.write:
            with open(path, "w") as f:
                f.write(got)
            continue
        want = open(path).read() if os.path.exists(path) else ""
        if got != want:
            failures += 1
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True),
                fromfile=f"{stem}.golden.txt (committed)", tofile=f"{stem} (analyzer now)"))
    if not count:
        print(f"no captures with keys in {args.dir}")
        return 1
    print(f"{count - failures}/{count} column baselines {'written' if args.write else 'match'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
