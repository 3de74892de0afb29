#!/usr/bin/env python3
"""What `oscore-idu analyze` says, and exits with, on input it cannot use fully: key files
with a bad line (in each of the three formats), duplicate and conflicting entries, keys
that open nothing (each likely cause), unusable captures among good ones, standard input,
context names that do not depend on the path typed, and `version`. Every case runs the
binary and checks its exit status, stdout and stderr.

  input_errors.py --binary B --captures DIR
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from pcap_datagrams import frame_ends

PLAIN = "fault-ack-mismatch"          # a scenario capture with findings, keys in a key table
THIRD = "third-party/libcoap-oscore"  # a real stack's capture, no KUDOS


class Checker:
    def __init__(self, binary):
        self.binary = binary
        self.failures = []
        self.cases = 0

    def run(self, args, stdin=None, cwd=None):
        return subprocess.run([self.binary, *args], input=stdin, capture_output=True, cwd=cwd, timeout=120)

    def expect(self, label, run, status, stderr=(), stdout_empty=None, not_stderr=()):
        self.cases += 1
        err = run.stderr.decode(errors="replace")
        problems = []
        if run.returncode != status:
            problems.append(f"exit status {run.returncode}, expected {status}")
        for pattern in stderr:
            if not re.search(pattern, err, re.M):
                problems.append(f"stderr lacks /{pattern}/")
        for pattern in not_stderr:
            if re.search(pattern, err, re.M):
                problems.append(f"stderr has /{pattern}/")
        if stdout_empty is True and run.stdout:
            problems.append("stdout is not empty")
        if stdout_empty is False and not run.stdout:
            problems.append("stdout is empty")
        if problems:
            self.failures.append(f"{label}: " + "; ".join(problems) + f"\n--- stderr:\n{err}")
        return err

    def check(self, label, condition, detail=""):
        self.cases += 1
        if not condition:
            self.failures.append(f"{label}: {detail}")


def key_line(path):
    with open(path) as f:
        return [x.strip().strip('"') for x in f.read().strip().split(",")]


def write_key_line(path, fields):
    with open(path, "w") as f:
        f.write(",".join(f'"{x}"' for x in fields) + "\n")


def key_files(c, caps, tmp):
    keys = os.path.join(caps, PLAIN + ".oscore_contexts")
    pcap = os.path.join(caps, PLAIN + ".pcapng")
    fields = key_line(keys)
    # A bad hex string is an error in every format, named file:line, and nothing is analysed.
    bad = {
        "bad.oscore_contexts": "# comment\n" + ",".join(f'"{x}"' for x in [fields[0], fields[1], "0x12zz"] + fields[3:]) + "\n",
        "bad.conf": f'master_secret,hex,"{fields[2]}"\nsender_id,hex,"{fields[0]}"\nrecipient_id,hex,"4g"\n',
        "bad.json": '{"contexts": [\n {"client_sender_id": "%s",\n  "server_sender_id": "%s",\n  "master_secret": "xyz"}\n]}\n'
                    % (fields[0], fields[1]),
    }
    lines = {"bad.oscore_contexts": 2, "bad.conf": 3, "bad.json": 2}
    for name, text in bad.items():
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        c.expect(f"bad hex in {name}", c.run(["analyze", "-k", path, pcap]), 2,
                 stderr=[re.escape(f"{path}:") + r"\d+: .*hex", "nothing analysed"], stdout_empty=True)
        err = c.run(["analyze", "-k", path, pcap]).stderr.decode()
        c.check(f"{name} names its line", f"{path}:{lines[name]}:" in err, err)

    # Duplicates and conflicts: warnings naming both lines; the run goes on.
    dup = os.path.join(tmp, "dup.oscore_contexts")
    other = list(fields)
    other[2] = ("ff" + fields[2])[: len(fields[2])]
    with open(dup, "w") as f:
        for row in (fields, fields, other):
            f.write(",".join(f'"{x}"' for x in row) + "\n")
    c.expect("duplicate and conflicting key lines", c.run(["analyze", "--fail-on", "never", "-k", dup, pcap]), 0,
             stderr=[re.escape(f"{dup}:2: the same context as {dup}:1"),
                     re.escape(f"{dup}:3: ") + r".*" + re.escape(f"{dup}:1") + r".*different Master Secret"],
             stdout_empty=False)

    # A key file that conflicts on every line: ten warnings, then how many more.
    many = os.path.join(tmp, "many.oscore_contexts")
    with open(many, "w") as f:
        for i in range(16):
            row = list(fields)
            row[2] = f"{i:02x}" + fields[2][2:]
            f.write(",".join(f'"{x}"' for x in row) + "\n")
    err = c.run(["analyze", "--fail-on", "never", "-k", many, pcap]).stderr.decode()
    warnings = [line for line in err.splitlines() if "different Master Secret" in line]
    c.check("conflict warnings are capped at ten", len(warnings) == 10, err)
    c.check("the cap says how many more", "... and 5 more conflicting key entries" in err, err)


def keys_that_open_nothing(c, caps, tmp):
    pcap = os.path.join(caps, THIRD + ".pcap")
    fields = key_line(os.path.join(caps, THIRD + ".oscore_contexts"))
    err = c.expect("no -k", c.run(["analyze", pcap]), 0, stderr=[r"could not be decrypted", r"no key file was given"])
    c.check("no -k: said once", err.count("could not be decrypted") == 1, err)

    def variant(name, change):
        f = list(fields)
        change(f)
        path = os.path.join(tmp, name)
        write_key_line(path, f)
        return path

    cases = [
        ("kid.oscore_contexts", lambda f: f.__setitem__(0, "77"), [r"no key for kid ''", r"opened nothing: kid\.oscore_contexts:1"]),
        ("secret.oscore_contexts", lambda f: f.__setitem__(2, "ff" + f[2][2:]), [r"Master Secret"]),
        ("idctx.oscore_contexts", lambda f: f.__setitem__(4, "beef"), [r"ID Context is likely wrong"]),
        ("alg.oscore_contexts", lambda f: f.__setitem__(5, "A128GCM"), [r"algorithm is likely wrong"]),
        ("swapped.oscore_contexts", lambda f: (f.__setitem__(2, fields[3]), f.__setitem__(3, fields[2])),
         [r"Master Secret and Master Salt exchanged"]),
    ]
    for name, change, wanted in cases:
        path = variant(name, change)
        err = c.expect(f"keys {name}", c.run(["analyze", "-k", path, pcap]), 0,
                       stderr=[r"^oscore-idu: \d+ of \d+ OSCORE messages could not be decrypted:$", *wanted])
        c.check(f"keys {name}: said once", err.count("could not be decrypted") == 1, err)
    # The engine's own reason is passed on: no-FS KUDOS without bootstrap material.
    nofs = os.path.join(caps, "fault-kudos-no-fs-downgrade")
    c.expect("no-FS KUDOS without bootstrap keys",
             c.run(["analyze", "--fail-on", "never", "-k", nofs + ".oscore_contexts", nofs + ".pcapng"]), 0,
             stderr=[r"fails verification on 1 request \(kid 01\), first frame 11 .*: no-FS KUDOS needs bootstrap"])
        # The right keys: no advice at all.
    c.expect("right keys", c.run(["analyze", "-k", os.path.join(caps, THIRD + ".oscore_contexts"), pcap]), 0,
             not_stderr=[r"could not be decrypted"])


def unusable_captures(c, caps, tmp):
    keys = os.path.join(caps, PLAIN + ".oscore_contexts")
    good = os.path.join(caps, PLAIN + ".pcapng")
    empty = os.path.join(tmp, "empty.pcap")
    open(empty, "w").close()
    text = os.path.join(tmp, "notes.pcap")
    with open(text, "w") as f:
        f.write("hello world\n")
    directory = os.path.join(tmp, "adir")
    os.mkdir(directory)
    with open(good, "rb") as f:
        blob = f.read()
    ends = frame_ends(good)
    cut_ng = os.path.join(tmp, "cut.pcapng")
    with open(cut_ng, "wb") as f:
        f.write(blob[: ends[4] + 10])  # inside the block of frame 6
    third = os.path.join(caps, THIRD + ".pcap")
    with open(third, "rb") as f:
        third_blob = f.read()
    cut_pcap = os.path.join(tmp, "cut.pcap")
    with open(cut_pcap, "wb") as f:
        f.write(third_blob[: frame_ends(third)[2] + 20])  # inside frame 4's record

    c.expect("empty file", c.run(["analyze", "-k", keys, empty]), 2,
             stderr=[re.escape(f"{empty}: empty file, not a capture") + "$"], stdout_empty=True)
    c.expect("directory", c.run(["analyze", "-k", keys, directory]), 2,
             stderr=[re.escape(f"{directory}: a directory, not a capture")], stdout_empty=True)
    c.expect("text file", c.run(["analyze", "-k", keys, text]), 2,
             stderr=[re.escape(f"{text}: not a pcap or pcapng file") + r".*hello world"], stdout_empty=True)
    err = c.expect("truncated pcapng", c.run(["analyze", "-k", keys, cut_ng]), 2,
                   stderr=[re.escape(f"oscore-idu: {cut_ng}: truncated after frame 5") + "$"], stdout_empty=False)
    c.check("truncated pcapng names the file once", err.count(cut_ng) == 1, err)
    c.expect("truncated pcap", c.run(["analyze", "-k", os.path.join(caps, THIRD + ".oscore_contexts"), cut_pcap]), 2,
             stderr=[re.escape(f"{cut_pcap}: truncated after frame 3") + "$"])

    # Bad files among good ones: each named once, the good ones reported, exit 2 at the end.
    run = c.run(["analyze", "--format", "json", "--fail-on", "never", "-k", keys, empty, good, directory, text, good])
    err = c.expect("mixed captures", run, 2, stderr=[re.escape(empty), re.escape(directory), re.escape(text)])
    for path in (empty, directory, text):
        c.check(f"mixed captures name {path} once", err.count(path) == 1, err)
    try:
        doc = json.loads(run.stdout)
        files = [d["file"] for d in doc["captures"]]
        c.check("mixed captures: the good ones are reported", files == [good, good], files)
        c.check("mixed captures: their findings are there", all(d["findings"] for d in doc["captures"]))
    except (ValueError, KeyError) as e:
        c.check("mixed captures: JSON", False, f"{e}: {run.stdout[:300]!r}")


def standard_input(c, caps):
    keys = os.path.join(caps, PLAIN + ".oscore_contexts")
    pcap = os.path.join(caps, PLAIN + ".pcapng")
    with open(pcap, "rb") as f:
        blob = f.read()
    from_file = c.run(["analyze", "--format", "json", "--fail-on", "never", "-k", keys, pcap])
    from_stdin = c.run(["analyze", "--format", "json", "--fail-on", "never", "-k", keys, "-"], stdin=blob)
    c.expect("stdin json", from_stdin, 0, stdout_empty=False)
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    c.check("stdin names itself", b.get("file") == "stdin", b.get("file"))
    a.pop("file"), b.pop("file")
    c.check("stdin gives the file's report", a == b, "JSON differs")
    # Text: a line per finding as it is raised, before the final report's Findings part.
    text = c.run(["analyze", "--fail-on", "never", "-k", keys, "-"], stdin=blob)
    out = text.stdout.decode()
    streamed = [l for l in out.splitlines() if l.startswith("finding: frame ")]
    c.check("stdin text streams every finding", len(streamed) == len(a["findings"]) and streamed,
            f"{len(streamed)} streamed, {len(a['findings'])} findings")
    c.check("streamed findings come before the report's list",
            streamed and out.index(streamed[-1]) < out.index("\nFindings:"), out[-500:])
    # SIGINT while standard input is still open: the frames so far are reported in full.
    ends = frame_ends(pcap)
    proc = subprocess.Popen([c.binary, "analyze", "--fail-on", "never", "-k", keys, "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(blob[: ends[5]])
    proc.stdin.flush()
    seen, deadline = b"", time.monotonic() + 30
    # Frame 6's line: it has read that far (streamed, so it comes before the end).
    while b"\n     6  " not in seen and proc.poll() is None and time.monotonic() < deadline:
        if select.select([proc.stdout], [], [], 1)[0]:
            seen += proc.stdout.read1(4096)
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=30)
    out = (seen + rest).decode()
    c.check("stdin: SIGINT ends the run cleanly", proc.returncode == 0, f"exit status {proc.returncode}: {err!r}")
    c.check("stdin: SIGINT still writes the summary", "Summary: 6 frames" in out, out[-400:])
    c.check("stdin: SIGINT is not reported as a broken capture", b"truncated" not in err, err)
    c.expect("empty stdin", c.run(["analyze", "-k", keys, "-"], stdin=b""), 2,
             stderr=[r"^oscore-idu: stdin: empty input, not a capture$"], stdout_empty=True)
    c.expect("text on stdin", c.run(["analyze", "-k", keys, "-"], stdin=b"hello\n"), 2,
             stderr=[r"^oscore-idu: stdin: not a pcap or pcapng file"], stdout_empty=True)


def stable_names(c, caps, tmp):
    shutil.copy(os.path.join(caps, PLAIN + ".oscore_contexts"), os.path.join(tmp, "k.oscore_contexts"))
    shutil.copy(os.path.join(caps, PLAIN + ".pcapng"), os.path.join(tmp, "c.pcapng"))
    outputs = []
    for keys in ("k.oscore_contexts", "./k.oscore_contexts", os.path.join(tmp, "k.oscore_contexts")):
        run = c.run(["analyze", "--fail-on", "never", "-k", keys, "c.pcapng"], cwd=tmp)
        outputs.append(run.stdout)
    c.check("context names do not depend on the key path typed", outputs[0] == outputs[1] == outputs[2])
    c.check("context names use the key file's base name", b"[k.oscore_contexts:1]" in outputs[2])


def version(c):
    a, b = c.run(["version"]), c.run(["--version"])
    c.expect("version", a, 0, stdout_empty=False)
    c.check("version equals --version", a.stdout == b.stdout and re.match(rb"oscore-idu \d+\.\d+\.\d+\n$", a.stdout),
            f"{a.stdout!r} {b.stdout!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--captures", required=True)
    args = parser.parse_args()
    c = Checker(os.path.abspath(args.binary))
    caps = os.path.abspath(args.captures)
    with tempfile.TemporaryDirectory() as tmp:
        key_files(c, caps, tmp)
        keys_that_open_nothing(c, caps, tmp)
        unusable_captures(c, caps, tmp)
        standard_input(c, caps)
        stable_names(c, caps, tmp)
        version(c)
    for f in c.failures:
        print(f, file=sys.stderr)
    print(f"{c.cases} checks, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
