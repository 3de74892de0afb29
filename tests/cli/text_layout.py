#!/usr/bin/env python3
"""The text report's layout on every shipped capture (with its key file): a header line
naming the tool, version, capture and key file; no line wider than 120 columns without
--wide, while --wide keeps what the shortened lines cut; procedures in id order; counts
with the right plural; duplicates named as in the JSON. Colour: ANSI codes only with
--color always, or on a terminal (a pty) with auto unless NO_COLOR is set.

  text_layout.py --binary B --captures DIR
"""
import argparse
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time

from jobs_identical import captures_with_keys

WIDTH = 120
ESC = "\x1b["
NOUNS = ("frame", "CoAP message", "duplicate", "bad frame", "procedure", "finding")


def report(binary, folder, args, env=None):
    run = subprocess.run([binary, "analyze", "--fail-on", "never", *args], cwd=folder, capture_output=True,
                         timeout=300, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"exit {run.returncode}: {run.stderr.decode(errors='replace').strip()}")
    return run.stdout.decode("utf-8")


def uncoloured(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def report_on_terminal(binary, folder, args, env, expected):
    """The report as written to a terminal: stdout is a pty. Read until the child has exited
    and as much uncoloured text as the report to a pipe (`expected`) has arrived, or 2 s pass
    without more. This side keeps the follower open, so the read never ends on the leader's
    EIO for a closed follower while bytes may still be on their way through the tty layer
    (CI once saw a terminal report without its coloured tail from a reader that stopped at
    the first EIO and checked neither the exit status nor the text)."""
    leader, follower = pty.openpty()
    attributes = termios.tcgetattr(follower)
    attributes[1] &= ~termios.ONLCR  # the report's own line ends, as written to a pipe
    termios.tcsetattr(follower, termios.TCSANOW, attributes)
    proc = subprocess.Popen([binary, "analyze", "--fail-on", "never", *args], cwd=folder, stdout=follower,
                            stderr=subprocess.DEVNULL, env=env)
    received = b""
    child_exit = os.pidfd_open(proc.pid)  # readable once the child has exited
    try:
        watched = [leader, child_exit]
        while True:
            ready = select.select(watched, [], [], None if child_exit in watched else 2)[0]
            if leader in ready:
                received += os.read(leader, 65536)
            elif child_exit in ready:
                watched.remove(child_exit)
            elif not ready:  # 2 s after the exit without more bytes
                break
            complete = len(uncoloured(received.decode("utf-8", errors="replace"))) >= len(expected)
            if child_exit not in watched and complete:
                break
    finally:
        for descriptor in (child_exit, follower, leader):
            os.close(descriptor)
        proc.wait(timeout=60)
    text = received.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode} on a terminal after {len(received)} bytes")
    return text


def summary_problems(label, text):
    problems = []
    summary = " ".join(l.strip() for l in text.split("\nSummary: ", 1)[-1].split("\n\n", 1)[0].splitlines())
    for noun in NOUNS:
        for count, word in re.findall(r"(\d+) (" + re.escape(noun) + r"s?)\b", summary):
            if (count == "1") != (word == noun):
                problems.append(f"{label}: '{count} {word}' in the summary")
    if "retransmission" in text.split("\nSummary: ", 1)[-1]:
        problems.append(f"{label}: the summary says retransmissions, the JSON duplicates")
    if "duplicate" not in summary:
        problems.append(f"{label}: no duplicates count in the summary: {summary!r}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    found = captures_with_keys(args.captures)
    problems = []
    shortened = coloured = 0
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    for folder, capture, keys in found:
        label = os.path.relpath(os.path.join(folder, capture), args.captures)
        base = ["-k", keys, capture]
        text = report(binary, folder, base, env)
        lines = text.splitlines()
        # The header line, wrapped like any other: up to the first capture's "== " line.
        header = " ".join(l.strip() for l in lines[:next((i for i, l in enumerate(lines) if l.startswith("== ")), 1)])
        if not (header.startswith("oscore-idu ") and capture in header and os.path.basename(keys) in header):
            problems.append(f"{label}: header line {header!r}")
        for number, line in enumerate(lines, 1):
            if len(line) > WIDTH:
                problems.append(f"{label} line {number}: {len(line)} columns: {line}")
            if ESC in line:
                problems.append(f"{label} line {number}: colour codes without a terminal")
        wide = report(binary, folder, ["--wide", *base], env)
        cut = [l for l in lines if l.endswith("…") or "…]" in l]
        shortened += len(cut)
        if cut and max(len(l) for l in wide.splitlines()) <= WIDTH:
            problems.append(f"{label}: --wide shortens lines too")
        ids = [int(m) for m in re.findall(r"^Procedure #(\d+):", text, re.M)]
        if ids != sorted(ids):
            problems.append(f"{label}: procedures in the order {ids}")
        problems += summary_problems(label, text)
        if report(binary, folder, ["--color", "never", *base], env) != text:
            problems.append(f"{label}: --color never differs from the report to a pipe")
        always = report(binary, folder, ["--color", "always", *base], env)
        if "Findings:" in text or "Procedure #" in text:
            if ESC not in always:
                problems.append(f"{label}: no colour with --color always")
            coloured += 1
            if uncoloured(always) != text:
                problems.append(f"{label}: --color always changes more than colour")
            # A terminal: colour with auto, none with NO_COLOR set (https://no-color.org).
            terminal = report_on_terminal(binary, folder, base, env, text)
            if ESC not in terminal:
                problems.append(f"{label}: no colour on a terminal with --color auto")
            if uncoloured(terminal) != text:
                problems.append(f"{label}: on a terminal, a report that changes more than colour "
                                f"({len(uncoloured(terminal))} characters uncoloured, {len(text)} to a pipe)")
            if report_on_terminal(binary, folder, base, dict(env, NO_COLOR="1"), text) != text:
                problems.append(f"{label}: colour (or other changes) on a terminal despite NO_COLOR")
    if not found:
        problems.append(f"no captures under {args.captures}")
    if shortened == 0:
        problems.append("no line was shortened on any capture: shortening was not tested")
    if coloured == 0:
        problems.append("no capture had procedures or findings: colour was not tested")
    for p in problems:
        print("FAIL", p)
    print(f"{len(found)} captures, {shortened} shortened lines, {coloured} coloured reports, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
