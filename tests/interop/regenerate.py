#!/usr/bin/env python3
"""Runs the interop cases on the real stacks in the sid chroot and writes, per case, into OUT:

  NAME.pcap            what tcpdump saw on the case's own loopback
  NAME.keys.json       the keys (the project's JSON format: it carries the HKDF)
  NAME.oscore_contexts the Wireshark key line, where Wireshark 4.0 can use it
  NAME.truth.json      the case, its provenance (exact commands, package versions), the events
                       both stacks logged themselves, and tshark's own decryption

  regenerate.py --chroot DIR --out OUT [--case NAME]...

Each case runs under `unshare -n -m`: a network namespace with nothing but its loopback (so
no datagram can leave the machine, and the iptables loss rule dies with it) and a mount
namespace for the chroot's /proc, /dev and the two bind mounts. Needs root.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tshark"))
import cases  # noqa: E402
import compare_tshark  # noqa: E402

HKDF = {"sha256": "HKDF-SHA-256", "sha512": "HKDF-SHA-512"}
PACKAGES = ["libcoap3-bin", "libcoap3t64", "python3-aiocoap", "python3-cryptography",
            "python3-cbor2", "python3-filelock", "python3", "tcpdump", "iptables",
            "libssl3t64", "iproute2"]
# Wireshark 4.0's OSCORE dissector knows AES-CCM-16-64-128 with HKDF-SHA-256 only.
TSHARK_AEADS = {10: "AES-CCM-16-64-128 (CCM*)"}
# A busy machine can make tcpdump lose packets (it says so); such a capture is made again.
ATTEMPTS = 3


def run_in_chroot(chroot, work, timeout=240):
    inchroot = os.path.join(HERE, "inchroot")
    for d in ("oidu/bin", "oidu/work"):
        os.makedirs(os.path.join(chroot, d), exist_ok=True)
    script = (f"mount -t proc proc {chroot}/proc && mount --bind /dev {chroot}/dev && "
              f"mount --bind {inchroot} {chroot}/oidu/bin && "
              f"mount --bind {work} {chroot}/oidu/work && "
              f"exec chroot {chroot} python3 /oidu/bin/driver.py /oidu/work/case.json /oidu/work")
    return subprocess.run(["unshare", "-n", "-m", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=timeout)


def package_versions(chroot):
    out = subprocess.run(["chroot", chroot, "dpkg-query", "-W", "-f", "${Package} ${Version}\n",
                          *PACKAGES], capture_output=True, text=True)
    return dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)


def key_files(spec, out, name):
    ctx = {"name": name, "client_sender_id": spec["client_sid"],
           "server_sender_id": spec["server_sid"], "master_secret": spec["secret"],
           "master_salt": spec["salt"], "id_context": spec["id_context"],
           "aead": spec["aead"], "hkdf": HKDF[spec["hkdf"]]}
    with open(os.path.join(out, f"{name}.keys.json"), "w") as f:
        json.dump({"contexts": [ctx]}, f, indent=1)
        f.write("\n")
    if spec["aead"] in TSHARK_AEADS and spec["hkdf"] == "sha256":
        line = ",".join(f'"{v}"' for v in (spec["client_sid"], spec["server_sid"], spec["secret"],
                                            spec["salt"], spec["id_context"] or "",
                                            TSHARK_AEADS[spec["aead"]]))
        with open(os.path.join(out, f"{name}.oscore_contexts"), "w") as f:
            f.write(line + "\n")
        return line
    return None


def tshark_truth(capture, keys_line, scratch, port):
    """tshark's own decryption, per frame (None where tshark cannot decrypt this AEAD)."""
    if keys_line is None or not shutil.which("tshark"):
        return None
    home = os.path.join(scratch, "tshark-home")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    os.chmod(scratch, 0o755)
    # tshark dissects CoAP on 5683 only unless told otherwise.
    extra = ["-d", f"udp.port=={port},coap"] if port != 5683 else []
    frames = compare_tshark.tshark_view(shutil.which("tshark"), capture, keys_line, home, extra)
    return {str(k): v for k, v in sorted(frames.items())}


def tshark_version():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True)
    return out.stdout.splitlines()[0] if out.returncode == 0 else None


def regenerate(chroot, out, names, keep=False):
    os.makedirs(out, exist_ok=True)
    versions = package_versions(chroot)
    failed = []
    for name in names:
        spec = cases.BY_NAME[name]
        started = time.monotonic()
        work = tempfile.mkdtemp(prefix=f"oidu-interop-{name}-")
        os.chmod(work, 0o755)
        with open(os.path.join(work, "case.json"), "w") as f:
            json.dump(spec, f)
        truth_path = os.path.join(work, "stack-truth.json")
        for attempt in range(1, ATTEMPTS + 1):
            for entry in os.listdir(work):  # a clean start: logs and contexts of a retry
                if entry != "case.json":
                    path = os.path.join(work, entry)
                    shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
            run = run_in_chroot(chroot, work)
            if run.returncode != 0 or not os.path.exists(truth_path):
                break
            with open(truth_path) as f:
                stacks = json.load(f)
            if stacks.pop("tcpdump_dropped") == 0:
                break
            print(f"{name}: tcpdump lost packets (attempt {attempt}), running it again")
        else:
            print(f"{name}: tcpdump lost packets in all {ATTEMPTS} attempts")
            failed.append(name)
            continue
        if run.returncode != 0 or not os.path.exists(truth_path):
            print(f"{name}: the case failed to run ({run.returncode}):\n{run.stdout}{run.stderr}")
            failed.append(name)
            continue
        capture = os.path.join(out, f"{name}.pcap")
        shutil.copyfile(os.path.join(work, "capture.pcap"), capture)
        keys_line = key_files(spec, out, name)
        truth = {"case": spec,
                 "provenance": {"made_by": "tests/interop/regenerate.py (make interop-captures)",
                                "chroot": "Debian sid, mmdebstrap --variant=apt",
                                "packages": versions, "tshark": tshark_version(),
                                "client_runs": stacks.pop("client_runs"),
                                "iptables": stacks.pop("iptables")},
                 "stacks": stacks,
                 "tshark": tshark_truth(capture, keys_line, work, spec.get("port", 5683))}
        with open(os.path.join(out, f"{name}.truth.json"), "w") as f:
            json.dump(truth, f, indent=1)
            f.write("\n")
        if keep:
            print(f"{name}: work files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        print(f"{name}: {time.monotonic() - started:.1f} s")
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chroot", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--case", action="append", help="only these cases (default: all)")
    ap.add_argument("--keep", action="store_true", help="keep each case's work directory")
    args = ap.parse_args()
    names = args.case or [c["name"] for c in cases.CASES]
    failed = regenerate(os.path.abspath(args.chroot), os.path.abspath(args.out), names, args.keep)
    if failed:
        print(f"{len(failed)} case(s) did not run: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
