#!/usr/bin/env python3
"""Compares the analyzer's OSCORE decryption of a capture with tshark's own.

tshark decrypts with the capture's Wireshark key line (-o uat:oscore_contexts:...); its
JSON output (-T json -x) gives, per frame, the inner code, the inner options (the
"Type N" of oscore.opt.desc) and the raw inner payload (oscore.payload_raw). The
analyzer must decrypt the same frames and find the same code, option numbers and payload.

tshark runs as an unprivileged user: as root it ignores personal settings. When run as
root the script creates (if needed) the system user `oidu-test`, gives it a HOME under
the work directory and starts tshark through setpriv.

Exit codes: 0 same results, 1 a difference or an error, 77 skipped (printed reason).
"""
import argparse
import json
import os
import pwd
import re
import shutil
import subprocess
import sys

SKIP = 77
TEST_USER = "oidu-test"


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def fail(reason):
    print(f"FAIL: {reason}")
    sys.exit(1)


def unprivileged_prefix(home):
    """The command prefix that runs a program as an unprivileged user with HOME=home."""
    if os.geteuid() != 0:
        return ["env", f"HOME={home}"]
    try:
        user = pwd.getpwnam(TEST_USER)
    except KeyError:
        if not shutil.which("useradd"):
            skip(f"running as root, no user {TEST_USER} and no useradd to create it")
        created = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
            capture_output=True, text=True)
        if created.returncode != 0 and "already exists" not in created.stderr:
            skip(f"cannot create user {TEST_USER}: {created.stderr.strip()}")
        user = pwd.getpwnam(TEST_USER)
    if not shutil.which("setpriv"):
        skip("running as root and setpriv (util-linux) is missing")
    for root, dirs, files in os.walk(home):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.chown(name, user.pw_uid, user.pw_gid)
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups",
            "env", f"HOME={home}"]


def pairs_hook(pairs):
    # tshark's JSON repeats keys (one "oscore.opt.name" per option): keep them all, in order.
    return pairs


def walk(pairs, key):
    """All values of `key` anywhere under `pairs`, in document order."""
    found = []
    for k, v in pairs:
        if k == key:
            found.append(v)
        if isinstance(v, list) and v and isinstance(v[0], tuple):
            found.extend(walk(v, key))
    return found


def tshark_view(tshark, capture, keys_line, home, extra=()):
    # The capture goes into HOME so the unprivileged user can surely read it.
    local_capture = os.path.join(home, os.path.basename(capture))
    shutil.copyfile(capture, local_capture)
    prefix = unprivileged_prefix(home)
    cmd = prefix + [tshark, "-n", "-r", local_capture, "-o", f"uat:oscore_contexts:{keys_line}",
                    "-T", "json", "-x", "-J", "frame oscore", *extra]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"tshark failed ({run.returncode}): {run.stderr.strip()}")
    frames = {}
    for packet in json.loads(run.stdout, object_pairs_hook=pairs_hook):
        number = int(walk(packet, "frame.number")[0])
        codes = walk(packet, "oscore.code")
        if not codes:
            continue
        options = []
        for desc in walk(packet, "oscore.opt.desc"):
            m = re.match(r"Type (\d+)", desc)
            if not m:
                fail(f"frame {number}: unexpected oscore.opt.desc {desc!r}")
            options.append(int(m.group(1)))
        payload = walk(packet, "oscore.payload_raw")
        frames[number] = {"code": int(codes[0]), "options": options,
                          "payload": payload[0][0] if payload else ""}
    return frames


def code_value(text):
    """"2.05" -> 69 (class << 5 | detail)."""
    cls, detail = text.split(".")
    return int(cls) << 5 | int(detail)


def analyzer_view(oidu, capture, keys):
    run = subprocess.run([oidu, "analyze", "--keys", keys, "--format", "json", capture],
                         capture_output=True, text=True)
    # Exit 1 only says that findings of the --fail-on severity exist (the third-party
    # captures have some); 2 and above are real failures.
    if run.returncode not in (0, 1):
        fail(f"analyzer failed ({run.returncode}): {run.stderr.strip()}")
    doc = json.loads(run.stdout)
    frames = {}
    for m in doc["messages"]:
        if m.get("status") != "decrypted":
            continue
        frames[m["frame"]] = {"code": code_value(m["inner_code"]),
                              "options": [o["number"] for o in m.get("options", [])],
                              "payload": m.get("payload") or ""}
    return frames


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--oidu", required=True, help="the oscore-idu binary")
    ap.add_argument("--capture", required=True)
    ap.add_argument("--keys", required=True, help="the capture's Wireshark key line file")
    ap.add_argument("--work", required=True, help="a directory for HOME and copies")
    ap.add_argument("--expect-decrypted", type=int, default=0,
                    help="how many frames tshark must decrypt (checks the tshark setup)")
    args = ap.parse_args()

    tshark = shutil.which(args.tshark)
    if not tshark:
        skip("tshark is not installed")
    home = os.path.abspath(os.path.join(args.work, "home"))
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    with open(args.keys) as f:
        keys_line = f.read().strip()

    theirs = tshark_view(tshark, args.capture, keys_line, home)
    print(f"tshark decrypted {len(theirs)} frames: {sorted(theirs)}")
    if len(theirs) < max(1, args.expect_decrypted):
        fail(f"tshark decrypted {len(theirs)} frames, expected {args.expect_decrypted}: "
             "the key line was not applied")
    if not os.path.exists(args.oidu):
        skip(f"analyzer binary {args.oidu} not built; tshark side works")

    ours = analyzer_view(args.oidu, args.capture, args.keys)
    print(f"analyzer decrypted {len(ours)} frames: {sorted(ours)}")
    problems = []
    for frame in sorted(set(theirs) | set(ours)):
        if frame not in ours:
            problems.append(f"frame {frame}: tshark decrypts it, the analyzer does not")
        elif frame not in theirs:
            problems.append(f"frame {frame}: the analyzer decrypts it, tshark does not")
        else:
            for field in ("code", "options", "payload"):
                if theirs[frame][field] != ours[frame][field]:
                    problems.append(f"frame {frame}: {field}: tshark {theirs[frame][field]!r}, "
                                    f"analyzer {ours[frame][field]!r}")
    for p in problems:
        print(p)
    if problems:
        fail(f"{len(problems)} differences")
    print(f"OK: {len(theirs)} frames agree on inner code, option numbers and payload")


if __name__ == "__main__":
    main()
