#!/usr/bin/env python3
"""`analyze --jobs N` must not change a byte: stdout and exit status of --jobs 2 and 4
equal those of the sequential run (--jobs 1), in both formats, on every capture under
captures/ (each with its key file, found as tests/golden finds them), on all of them in
one run, on a simulated --scale capture, and on a truncated copy of it (read error).

  jobs_identical.py --binary B --captures DIR
"""
import argparse
import os
import subprocess
import sys
import tempfile

JOBS = (2, 4)
FORMATS = ("text", "json")


def captures_with_keys(directory, key_suffixes=(".keys.json", ".oscore_contexts")):
    """(folder, capture, key file) for every capture under `directory` that has a key file
    next to it: the first of `key_suffixes` that exists after the capture's stem."""
    out = []
    for folder, _, files in sorted(os.walk(directory)):
        for entry in sorted(files):
            stem, ext = os.path.splitext(entry)
            if ext not in (".pcapng", ".pcap"):
                continue
            for suffix in key_suffixes:
                if os.path.exists(os.path.join(folder, stem + suffix)):
                    out.append((folder, entry, stem + suffix))
                    break
    return out


def run(binary, folder, args):
    proc = subprocess.run([binary, "analyze", *args], cwd=folder, capture_output=True)
    return proc.returncode, proc.stdout


def check(binary, folder, label, args):
    """Number of failures: each --jobs N against --jobs 1, per format."""
    failures = 0
    for fmt in FORMATS:
        want = run(binary, folder, ["--format", fmt, "--jobs", "1", *args])
        if not want[1]:
            print(f"FAIL {label} [{fmt}]: empty output with --jobs 1")
            failures += 1
        for jobs in JOBS:
            got = run(binary, folder, ["--format", fmt, "--jobs", str(jobs), *args])
            if got != want:
                what = "exit status" if got[0] != want[0] else "stdout"
                print(f"FAIL {label} [{fmt}] --jobs {jobs}: {what} differs from --jobs 1 "
                      f"(exit {got[0]} vs {want[0]}, {len(got[1])} vs {len(want[1])} bytes)")
                failures += 1
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", required=True)
    parser.add_argument("--scale-messages", type=int, default=20000)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)

    found = captures_with_keys(args.captures)
    if not found:
        print(f"no captures in {args.captures}", file=sys.stderr)
        return 1
    failures = 0
    for folder, capture, keys in found:
        # Default --fail-on, so that the exit status carries the findings too.
        failures += check(binary, folder, capture, ["-k", keys, capture])
    # All of one folder in one run: several captures, several key files, --no-messages too.
    folder = os.path.abspath(args.captures)
    top = [(c, k) for f, c, k in found if os.path.abspath(f) == folder]
    every = [a for _, k in top for a in ("-k", k)] + [c for c, _ in top]
    failures += check(binary, folder, "all captures", every)
    failures += check(binary, folder, "all captures, --no-messages", ["--no-messages", *every])

    with tempfile.TemporaryDirectory() as tmp:
        scale = os.path.join(tmp, "scale.pcapng")
        subprocess.run([binary, "simulate", "--scale", "--pairs", "200", "--messages",
                        str(args.scale_messages), "-o", scale], check=True, capture_output=True)
        keys = os.path.join(tmp, "scale.oscore_contexts")
        failures += check(binary, tmp, "scale capture", ["-k", keys, scale])
        # A read error part way: the diagnostic and exit status 2 must come out the same.
        truncated = os.path.join(tmp, "truncated.pcapng")
        with open(scale, "rb") as f:
            data = f.read()
        with open(truncated, "wb") as f:
            f.write(data[: len(data) * 3 // 5 + 7])
        failures += check(binary, tmp, "truncated scale capture", ["-k", keys, truncated])

    total = (len(found) + 4) * len(FORMATS) * len(JOBS)
    print(f"{total - failures} of {total} comparisons identical")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
