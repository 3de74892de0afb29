#!/usr/bin/env python3
"""tshark with the oscore_idu plugin, run as an unprivileged user.

Wireshark ignores personal plugins when it runs as root, so as root this script creates the
system user `oidu-test` and runs tshark through runuser with a HOME of its own under the
work directory; otherwise it runs tshark as the current user. The plugin is copied into
that HOME's personal plugin folder, exactly where plugin/install.sh puts it.

Usage: plugin_tests.py --plugin SO --cli OSCORE_IDU --captures DIR --work DIR
                       [--install-script SH] TEST
TEST: loads | kudos_decrypt | recipient_id | findings_match | procedures_table | fuzz | install
Exit 0 on success, 1 on failure, 77 when a needed tool is missing (ctest SKIP).
"""
import argparse
import collections
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

TEST_USER = "oidu-test"
SKIP = 77

# The finding catalogue of issue 3, with its severities: the plugin must register every code.
CATALOGUE = {
    "RID_REUSED": "error", "RID_IS_OWN_SENDER_ID": "error", "RID_TOO_LONG": "error",
    "OPTION_IN_CLEAR": "error", "ACK_MISMATCH": "error", "CONCURRENT_PROCEDURE": "error",
    "ERROR_RESPONSE_WITH_RID": "error", "STANDALONE_AFTER_REBOOT": "error",
    "USED_BEFORE_CONFIRMED": "error", "NONCE_REUSE": "error", "NON_KUDOS_WHILE_BUSY": "error",
    "KUDOS_B_BIT_CHANGED": "error", "NEW_ID_ON_OLD_NETWORK": "warning",
    "OLD_ID_ON_NEW_NETWORK": "warning", "PIV_NOT_RESET": "warning", "MAC_UNCHANGED": "warning",
    "ID_CONTEXT_UNCHANGED": "warning", "KUDOS_NO_FS_DOWNGRADE": "warning",
    "DECRYPT_FAILED": "warning", "NO_CONTINUATION": "info", "PROCEDURE_FAILED": "info",
    "MID_CONTINUES": "info", "TOKEN_REUSED": "info", "STARTED_BEFORE_CAPTURE": "info",
}
# Wireshark's expert severities (epan/proto.h PI_*), as -T fields prints them.
WS_SEVERITY = {"error": 0x00800000, "warning": 0x00600000, "info": 0x00400000}

FIELDS_REQUIRED = [
    "oscore_idu.kid", "oscore_idu.piv", "oscore_idu.kid_context", "oscore_idu.kudos",
    "oscore_idu.kudos.x", "oscore_idu.kudos.z", "oscore_idu.kudos.b", "oscore_idu.kudos.p",
    "oscore_idu.kudos.m", "oscore_idu.kudos.nonce", "oscore_idu.context",
    "oscore_idu.context_origin", "oscore_idu.status", "oscore_idu.inner.code",
    "oscore_idu.inner.option", "oscore_idu.recipient_id", "oscore_idu.recipient_id_ack",
    "oscore_idu.payload", "oscore_idu.procedure", "oscore_idu.procedure.type", "oscore_idu.role",
    "oscore_idu.peer_states", "oscore_idu.request_in", "oscore_idu.expert",
]

# Separates occurrences of one field in -T fields output; messages may contain commas.
AGG = "\x1e"


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


class Tshark:
    """tshark as the unprivileged test user, with the plugin in its personal folder."""

    def __init__(self, plugin, home):
        self.as_root = os.geteuid() == 0
        self.home = pathlib.Path(home)
        if self.home.exists():
            shutil.rmtree(self.home)
        self.home.mkdir(parents=True)
        if self.as_root:
            ensure_test_user()
            shutil.chown(self.home, TEST_USER)
        self.plugin_dir = None
        if plugin is not None:
            self.plugin_dir = self.personal_plugin_dir() / "epan"
            self.run_as_user(["mkdir", "-p", str(self.plugin_dir)])
            self.run_as_user(["cp", str(plugin), str(self.plugin_dir / "oscore_idu.so")])

    def command(self, argv):
        env = ["env", f"HOME={self.home}", "LC_ALL=C.UTF-8"]
        if self.as_root:
            return ["runuser", "-u", TEST_USER, "--"] + env + argv
        return env + argv

    def run_as_user(self, argv, check_rc=True, timeout=120):
        p = subprocess.run(self.command(argv), capture_output=True, text=True,
                           timeout=timeout, cwd=self.home)
        if check_rc and p.returncode != 0:
            raise Failure(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.strip()}")
        return p

    def personal_plugin_dir(self):
        out = self.run_as_user(["tshark", "-G", "folders"]).stdout
        m = re.search(r"^Personal Plugins:\s*(.+)$", out, re.M)
        check(m is not None, "tshark -G folders names no personal plugin folder")
        return pathlib.Path(m.group(1).strip())

    def __call__(self, *args, check_rc=True, timeout=120):
        return self.run_as_user(["tshark"] + list(args), check_rc=check_rc, timeout=timeout)


def ensure_test_user():
    if subprocess.run(["id", "-u", TEST_USER], capture_output=True).returncode == 0:
        return
    p = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        TEST_USER], capture_output=True, text=True)
    # 9: created meanwhile by a test running in parallel.
    if p.returncode not in (0, 9):
        raise Failure(f"useradd {TEST_USER}: {p.stderr.strip()}")


def make_readable(path):
    """The test user must read what root wrote; only `path` itself is changed (its parents
    are the build tree, created world-readable by the default umask)."""
    path = pathlib.Path(path)
    os.chmod(path, path.stat().st_mode | (0o055 if path.is_dir() else 0o044))


# ---------------------------------------------------------------------------------------
# Captures and their keys

def captures(root):
    root = pathlib.Path(root)
    return sorted(p for p in root.rglob("*") if p.suffix in (".pcap", ".pcapng") and p.is_file())


def key_file_of(capture):
    for suffix in (".oscore_contexts", ".keys.json"):
        k = capture.with_name(capture.stem + suffix)
        if k.exists():
            return k
    return None


def uat_options(key_file):
    """One -o uat:oscore_idu_contexts:<line> per record of a Wireshark-format key file."""
    opts = []
    for line in key_file.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            opts += ["-o", f"uat:oscore_idu_contexts:{line.strip()}"]
    return opts


def key_options(key_file, via):
    if key_file is None:
        return []
    if via == "uat" and key_file.suffix == ".oscore_contexts":
        return uat_options(key_file)
    return ["-o", f"oscore_idu.key_file:{key_file}"]


def analyzer_json(cli, capture, key_file):
    argv = [str(cli), "analyze", "--format", "json", "--fail-on", "never"]
    if key_file is not None:
        argv += ["--keys", str(key_file)]
    p = subprocess.run(argv + [str(capture)], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise Failure(f"oscore-idu analyze {capture.name} exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def field_rows(tshark, capture, opts, fields, *extra):
    """Frame number and the listed fields (each a list of occurrences), per output line."""
    argv = ["-r", str(capture), "-2", "-T", "fields", "-E", f"aggregator={AGG}",
            "-E", "occurrence=a", "-e", "frame.number"]
    for f in fields:
        argv += ["-e", f]
    out = tshark(*(argv + opts + list(extra))).stdout
    rows = {}
    for line in out.split("\n"):  # not splitlines(): it also splits at AGG
        if not line:
            continue
        cols = line.split("\t")
        cols += [""] * (len(fields) + 1 - len(cols))
        rows[int(cols[0])] = [c.split(AGG) if c else [] for c in cols[1:]]
    return rows


# ---------------------------------------------------------------------------------------
# Tests

def test_loads(args, tshark):
    out = tshark("-G", "plugins").stdout
    check(re.search(r"^oscore_idu\.so\s", out, re.M), "tshark -G plugins does not list oscore_idu.so")
    fields = tshark("-G", "fields").stdout
    names = {cols[2] for cols in (l.split("\t") for l in fields.splitlines()) if len(cols) > 2}
    check("oscore_idu" in names, "protocol oscore_idu is not registered")
    missing = [f for f in FIELDS_REQUIRED if f not in names]
    check(not missing, f"fields not registered: {missing}")
    experts = [f"oscore_idu.expert.{code.lower()}" for code in CATALOGUE]
    missing = [e for e in experts if e not in names]
    check(not missing, f"expert infos not registered: {missing}")
    # The built-in dissectors still load next to the plugin.
    check("oscore" in names and "coap" in names, "built-in oscore/coap dissectors missing")


def test_kudos_decrypt(args, tshark):
    """captures/third-party/README.md: frame 2 opens with the temporary context, 4-8 with
    the new one; the built-in dissector opens none of them."""
    cap = pathlib.Path(args.captures) / "third-party" / "californium-kudos.pcap"
    keys = cap.with_name("californium-kudos.oscore_contexts")
    fields = ["oscore_idu.status", "oscore_idu.context_origin", "oscore_idu.kudos.x",
              "oscore_idu.kudos.nonce", "oscore_idu.kudos.z", "oscore_idu.inner.code"]
    rows = field_rows(tshark, cap, uat_options(keys), fields)
    decrypted = {n for n, r in rows.items() if r[0] == ["decrypted"]}
    check(decrypted == {2, 4, 5, 6, 7, 8}, f"decrypted frames {sorted(decrypted)}, expected 2, 4-8")
    check(any("CTX_TEMP" in v for v in rows[2][1]), f"frame 2 context origin {rows[2][1]}")
    for n in (4, 5, 6, 7, 8):
        check(any("CTX_NEW" in v for v in rows[n][1]), f"frame {n} context origin {rows[n][1]}")
    check(rows[2][2] == ["0x07"] and rows[2][3] == ["f2f177d9afd1bc1b"],
          f"frame 2 KUDOS x/nonce {rows[2][2]} {rows[2][3]}")
    check(rows[4][2] == ["0x07"] and rows[4][3] == ["e41b7c92e622351e"],
          f"frame 4 KUDOS x/nonce {rows[4][2]} {rows[4][3]}")
    check(all(r[5] for n, r in rows.items() if n in decrypted), "a decrypted frame has no inner code")

    builtin = tshark("-r", str(cap), "-2", "-T", "fields", "-e", "frame.number", "-e", "oscore.code",
                     "-o", f"uat:oscore_contexts:{keys.read_text().strip()}").stdout
    opened = [l for l in builtin.splitlines() if l.split("\t")[1:] not in ([], [""])]
    check(not opened, f"the built-in dissector decrypts {opened}: the capture proves nothing")


def test_recipient_id(args, tshark):
    """Option 24/32 frames as the built-in dissector sees them (as unknown options) are the
    frames where the plugin shows Recipient-ID / Recipient-ID-Ack; values from the README."""
    cap = pathlib.Path(args.captures) / "third-party" / "libcoap-oscore-recipient-id-options.pcap"
    keys = cap.with_name("libcoap-oscore-recipient-id-options.oscore_contexts")
    builtin = tshark("-r", str(cap), "-2", "-T", "fields", "-E", f"aggregator={AGG}",
                     "-e", "frame.number", "-e", "oscore.opt.name",
                     "-o", f"uat:oscore_contexts:{keys.read_text().strip()}").stdout
    with_24, with_32 = set(), set()
    for line in builtin.split("\n"):
        if not line:
            continue
        number, _, names = line.partition("\t")
        if "Unknown Option (24)" in names:
            with_24.add(int(number))
        if "Unknown Option (32)" in names:
            with_32.add(int(number))
    check(with_24 and with_32, "the built-in dissector shows no option 24/32: wrong capture?")

    rows = field_rows(tshark, cap, uat_options(keys),
                      ["oscore_idu.recipient_id", "oscore_idu.recipient_id_ack"])
    shown_24 = {n for n, r in rows.items() if r[0]}
    shown_32 = {n for n, r in rows.items() if r[1]}
    check(shown_24 == with_24, f"Recipient-ID shown in {sorted(shown_24)}, built-in {sorted(with_24)}")
    check(shown_32 == with_32, f"Recipient-ID-Ack shown in {sorted(shown_32)}, built-in {sorted(with_32)}")

    def matching(flt):
        out = tshark("-r", str(cap), "-2", "-Y", flt, "-T", "fields", "-e", "frame.number",
                     *uat_options(keys)).stdout
        return {int(l) for l in out.split()}

    # A byte string written so that every release reads it the same way: since 4.2 a bare
    # `42` next to a bytes field is the decimal number 42 (0x2a), in 4.0 it was the byte 0x42.
    for flt in ('oscore_idu.recipient_id == 0x42', 'oscore_idu.recipient_id == "\\x42"'):
        eq42 = matching(flt)
        check(eq42 and eq42 <= with_24, f"{flt} matches {sorted(eq42)}")
    check(matching("oscore_idu.recipient_id_ack == 0x78") == with_32,
          "oscore_idu.recipient_id_ack == 0x78 does not match the Recipient-ID-Ack frames")
    # Issue 3: the client's Recipient-ID-Ack of 78 was never offered by the server.
    check(matching("oscore_idu.expert.ack_mismatch") == with_32,
          "ACK_MISMATCH is not on the Recipient-ID-Ack frame")


def shown(m):
    """Messages the plugin puts a tree on: OSCORE, in a procedure, or with 24/32 outside."""
    outer = {o.get("number") for o in m.get("outer_options", [])}
    return (m.get("status") != "not-oscore" or m.get("procedure") is not None
            or bool(outer & {24, 32}))


def compare_capture(tshark, cli, cap, via):
    key_file = key_file_of(cap)
    report = analyzer_json(cli, cap, key_file)
    opts = key_options(key_file, via)
    fields = ["oscore_idu.finding", "_ws.expert.message", "_ws.expert.severity",
              "oscore_idu.status", "oscore_idu.procedure", "oscore_idu.role"]
    rows = field_rows(tshark, cap, opts, fields)
    problems = []

    plugin_findings = collections.Counter()
    for n, r in rows.items():
        for code in r[0]:
            plugin_findings[(code, n)] += 1
        # The expert info of each finding carries the severity of the catalogue.
        for message, severity in zip(r[1], r[2]):
            code = message.split(":", 1)[0]
            want = CATALOGUE.get(code)
            if want is not None and code in r[0] and int(severity) != WS_SEVERITY[want]:
                problems.append(f"frame {n}: {code} has severity {severity}, expected {want}")
    json_findings = collections.Counter((f["code"], f["frame"]) for f in report["findings"])
    if plugin_findings != json_findings:
        problems.append(f"findings differ: plugin only {sorted((plugin_findings - json_findings).elements())}, "
                        f"analyzer only {sorted((json_findings - plugin_findings).elements())}")

    for m in report["messages"]:
        r = rows.get(m["frame"], [[]] * len(fields))
        if not shown(m):
            continue
        want = (m["status"], str(m["procedure"]) if m.get("procedure") is not None else None,
                m.get("role") or None)
        got = (r[3][0] if r[3] else None, r[4][0] if r[4] else None, r[5][0] if r[5] else None)
        if got != want:
            problems.append(f"frame {m['frame']}: plugin (status, procedure, role) {got}, analyzer {want}")
    return problems


def test_findings_match(args, tshark):
    caps = captures(args.captures)
    check(caps, f"no captures under {args.captures}")
    problems = []
    for cap in caps:
        key_file = key_file_of(cap)
        # Both ways of giving keys: the key table and the key file preference.
        for via in (["uat", "file"] if key_file is not None and key_file.suffix == ".oscore_contexts"
                    else ["file"]):
            problems += [f"{cap.name} ({via}): {p}" for p in compare_capture(tshark, args.cli, cap, via)]
        print(f"{cap.name}: compared", flush=True)
    check(not problems, "\n".join(problems))


TABLE_ROW = re.compile(r"^\s*(\d+)\s+(id-update|kudos)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)-(\d+)\s")


def test_procedures_table(args, tshark):
    problems = []
    for cap in captures(args.captures):
        key_file = key_file_of(cap)
        report = analyzer_json(args.cli, cap, key_file)
        out = tshark("-r", str(cap), "-q", "-z", "oscore_idu,procedures",
                     *key_options(key_file, "file")).stdout
        check("OSCORE ID Update procedures" in out, f"{cap.name}: no procedure table in {out!r}")
        got = [m.groups() for m in map(TABLE_ROW.match, out.splitlines()) if m]
        want = [(str(p["id"]), p["type"], p["initiator"], p["mode"], p["outcome"],
                 str(p["first_frame"]), str(p["last_frame"])) for p in report["procedures"]]
        if sorted(got) != sorted(want):
            problems.append(f"{cap.name}: table {got}, analyzer {want}")
    check(not problems, "\n".join(problems))


def test_fuzz(args, tshark):
    """Corrupted captures (editcap -E) must not crash tshark or raise errors in the plugin."""
    editcap = shutil.which("editcap")
    if editcap is None:
        print("editcap not found")
        sys.exit(SKIP)
    work = pathlib.Path(args.work) / "fuzz"
    work.mkdir(parents=True, exist_ok=True)
    make_readable(work)
    caps = captures(args.captures)
    problems = []
    count = 0
    # Twenty files, spread over the captures, each with its own seed.
    for seed in range(1, 21):
        cap = caps[(seed - 1) % len(caps)]
        out = work / f"{cap.stem}.seed{seed}{cap.suffix}"
        subprocess.run([editcap, "-E", "0.02", "--seed", str(seed), str(cap), str(out)],
                       check=True, capture_output=True)
        os.chmod(out, 0o644)
        p = tshark("-r", str(out), "-2", "-V", *key_options(key_file_of(cap), "file"),
                   check_rc=False, timeout=300)
        count += 1
        # tshark exits 2 for a truncated or damaged file; a signal (or runuser's 128+n) is a crash.
        if p.returncode not in (0, 2):
            problems.append(f"{out.name}: tshark exited {p.returncode}: {p.stderr[-500:]}")
        for bad in ("Dissector bug, protocol OSCORE-IDU", "Malformed Packet: OSCORE-IDU"):
            if bad in p.stdout:
                problems.append(f"{out.name}: {bad}")
    print(f"{count} corrupted captures dissected")
    check(not problems, "\n".join(problems))


def test_install(args, tshark):
    """plugin/install.sh, run as the user, puts the plugin where tshark loads it."""
    bare = Tshark(None, pathlib.Path(args.work) / "install-home")
    make_readable(args.install_script)
    make_readable(args.plugin)
    p = bare.run_as_user(["sh", str(args.install_script), str(args.plugin)])
    check("tshark -G plugins" in p.stdout, f"install.sh does not say how to check: {p.stdout}")
    listed = bare("-G", "plugins").stdout
    expected = bare.personal_plugin_dir() / "epan" / "oscore_idu.so"
    check(str(expected) in listed, f"after install.sh, tshark -G plugins does not list {expected}")


TESTS = {
    "loads": test_loads,
    "kudos_decrypt": test_kudos_decrypt,
    "recipient_id": test_recipient_id,
    "findings_match": test_findings_match,
    "procedures_table": test_procedures_table,
    "fuzz": test_fuzz,
    "install": test_install,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True, type=pathlib.Path)
    ap.add_argument("--cli", type=pathlib.Path)
    ap.add_argument("--captures", required=True, type=pathlib.Path)
    ap.add_argument("--work", required=True, type=pathlib.Path)
    ap.add_argument("--install-script", type=pathlib.Path)
    ap.add_argument("test", choices=sorted(TESTS))
    args = ap.parse_args()

    if shutil.which("tshark") is None:
        print("tshark not found")
        return SKIP
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        print("running as root without runuser: cannot run tshark unprivileged")
        return SKIP
    needs_cli = args.test in ("findings_match", "procedures_table")
    if needs_cli and (args.cli is None or not args.cli.exists()):
        print(f"oscore-idu CLI not built ({args.cli})")
        return SKIP
    args.work.mkdir(parents=True, exist_ok=True)
    make_readable(args.work)
    make_readable(args.plugin)
    try:
        tshark = Tshark(args.plugin, args.work / f"{args.test}-home")
        TESTS[args.test](args, tshark)
    except Failure as e:
        print(f"FAIL {args.test}: {e}")
        return 1
    print(f"PASS {args.test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
