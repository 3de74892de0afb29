#!/usr/bin/env python3
"""The analyze command on damaged input: the shipped captures corrupted by `editcap -E`
(a seed per file), in both formats. It must end with exit status 0, 1 or 2 (never a
signal or a sanitizer report), the JSON report must parse, and --jobs 2 must write the
same bytes as --jobs 1. The engine alone is fuzzed elsewhere (tests/fuzz); this covers
the reports' formatters and the --jobs pipeline on what the engine makes of such input.

  corrupted_captures.py --binary B --captures DIR [--seeds N]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from jobs_identical import captures_with_keys

SKIP = 77
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


def analyze(binary, folder, args):
    return subprocess.run([binary, "analyze", *args], cwd=folder, capture_output=True, timeout=300)


def problems_of(label, fmt, run):
    problems = []
    stderr = run.stderr.decode(errors="replace")
    if run.returncode not in (0, 1, 2):
        problems.append(f"{label} [{fmt}]: exit status {run.returncode}: {stderr[-400:]}")
    for mark in SANITIZER_MARKS:
        if mark in stderr:
            problems.append(f"{label} [{fmt}]: {mark}: {stderr[-400:]}")
    if fmt == "json" and run.stdout:
        try:
            json.loads(run.stdout)
        except ValueError as e:
            problems.append(f"{label} [json]: the report does not parse: {e}")
    if fmt == "jsonl":
        for number, line in enumerate(run.stdout.splitlines(), 1):
            try:
                json.loads(line)
            except ValueError as e:
                problems.append(f"{label} [jsonl] line {number}: does not parse: {e}")
    return problems


def decrypted_problems(label, jsonl, decrypted):
    """The --write-decrypted output holds as many frames as the engine read."""
    summaries = []
    for line in jsonl.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue  # problems_of() reports it
        if event.get("type") == "summary":
            summaries.append(event["summary"])
    frames = summaries[-1]["frames"] if summaries else None
    counted = subprocess.run(["capinfos", "-T", "-r", "-c", decrypted], capture_output=True, text=True)
    written = counted.stdout.split()[-1] if counted.returncode == 0 and counted.stdout.split() else None
    if frames is None or written != str(frames):
        return [f"{label} [--write-decrypted]: {written} frames written, {frames} read "
                f"({counted.stderr.strip()[-200:]})"]
    return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", required=True)
    parser.add_argument("--seeds", type=int, default=120)
    args = parser.parse_args()
    editcap = shutil.which("editcap")
    if editcap is None:
        print("editcap not found")
        return SKIP
    binary = os.path.abspath(args.binary)
    found = captures_with_keys(args.captures)
    if not found:
        print(f"no captures in {args.captures}", file=sys.stderr)
        return 1

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            folder, capture, keys = found[(seed - 1) % len(found)]
            damaged = os.path.join(tmp, f"seed{seed}-{capture}")
            subprocess.run([editcap, "-E", "0.02", "--seed", str(seed), os.path.join(folder, capture), damaged],
                           check=True, capture_output=True)
            label = f"{capture} (editcap -E 0.02 --seed {seed})"
            for fmt in ("text", "json", "jsonl"):
                # jsonl also writes the decrypted capture, which must hold every frame.
                decrypted = os.path.join(tmp, f"seed{seed}-decrypted.pcapng")
                export = ["--write-decrypted", decrypted] if fmt == "jsonl" else []
                sequential = analyze(binary, folder, ["--format", fmt, *export, "-k", keys, damaged])
                if export and sequential.returncode in (0, 1):
                    problems += decrypted_problems(label, sequential.stdout, decrypted)
                problems += problems_of(label, fmt, sequential)
                parallel = analyze(binary, folder, ["--format", fmt, "--jobs", "2", "-k", keys, damaged])
                problems += problems_of(label + " --jobs 2", fmt, parallel)
                if (parallel.returncode, parallel.stdout) != (sequential.returncode, sequential.stdout):
                    problems.append(f"{label} [{fmt}]: --jobs 2 differs from --jobs 1")
    for p in problems:
        print("FAIL", p)
    print(f"{args.seeds} corrupted captures analyzed in every format, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
