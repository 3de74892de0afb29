#!/usr/bin/env python3
"""Real-network test: two simulated peers as separate processes over real UDP sockets in
network namespaces, an ID update, a client move to a new address in the middle, a
tcpdump capture made by the kernel, and the analyzer's verdict on it.

  net_namespaces.py --binary build/bin/oscore-idu [--keep DIR]

Topology (all inside two namespaces this test creates and always deletes):

  server ns: br0 10.199.0.1/24 + 10.199.1.1/24, ports s0 and s1; tcpdump -i br0
  client ns: c0 10.199.0.2/24 (old network), c1 10.199.1.2/24 (new network, its own MAC);
             traffic from 10.199.1.2 leaves through c1 (policy routing)

Exit 77 (ctest SKIP_RETURN_CODE) with the reason when namespaces are unavailable.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
PORT = 5683
SERVER_IP = "10.199.0.1"
CLIENT_OLD_IP, CLIENT_NEW_IP = "10.199.0.2", "10.199.1.2"
# The ID update draft's figures: client Sender ID 01, server 00, the RFC 8613 C.1 secret;
# the client offers 42, the server 78.
KEY_LINE = '"01","00","0102030405060708090a0b0c0d0e0f10","9e7ca92223786340","","AES-CCM-16-64-128 (CCM*)"\n'
CLIENT_OFFER, SERVER_OFFER = "42", "78"
EXCHANGES, ID_UPDATE_AT = 8, 2
STEP_TIMEOUT_S = 10   # any one command
PEER_TIMEOUT_S = 15   # the peers' own deadline


class Skip(Exception):
    pass


class Interrupted(Exception):
    pass


def run(cmd, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=STEP_TIMEOUT_S)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p


class Namespaces:
    """The two namespaces and their links; delete() removes everything they hold."""

    def __init__(self):
        tag = str(os.getpid())
        self.server, self.client = "oidu-net-s-" + tag, "oidu-net-c-" + tag
        self.created = []

    def ip(self, ns, *args):
        return run(["ip", "-n", ns] + list(args))

    def sysctl(self, ns, key, value):
        run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "%s=%s" % (key, value)])

    def create(self):
        for ns in (self.server, self.client):
            p = run(["ip", "netns", "add", ns], check=False)
            if p.returncode != 0:
                raise Skip("ip netns add failed: " + p.stderr.strip())
            self.created.append(ns)
        s, c = self.server, self.client
        p = run(["ip", "-n", s, "link", "add", "br0", "type", "bridge"], check=False)
        if p.returncode != 0:
            raise Skip("cannot create a bridge in a namespace: " + p.stderr.strip())
        p = run(["ip", "-n", s, "link", "add", "s0", "type", "veth", "peer", "name", "c0", "netns", c], check=False)
        if p.returncode != 0:
            raise Skip("cannot create veth pairs: " + p.stderr.strip())
        self.ip(s, "link", "add", "s1", "type", "veth", "peer", "name", "c1", "netns", c)
        for port in ("s0", "s1"):
            self.ip(s, "link", "set", port, "master", "br0")
            self.ip(s, "link", "set", port, "up")
        self.ip(s, "addr", "add", SERVER_IP + "/24", "dev", "br0")
        self.ip(s, "addr", "add", "10.199.1.1/24", "dev", "br0")
        for ns, dev in ((s, "br0"), (s, "lo"), (c, "lo")):
            self.ip(ns, "link", "set", dev, "up")
        # Both client links sit on one bridge: each answers ARP only for its own address
        # and the kernel must not drop replies arriving on the "other" link.
        for key, value in (("arp_ignore", 1), ("arp_announce", 2), ("rp_filter", 0)):
            for dev in ("all", "default"):
                self.sysctl(c, "net.ipv4.conf.%s.%s" % (dev, key), value)
        self.ip(c, "addr", "add", CLIENT_OLD_IP + "/24", "dev", "c0")
        self.ip(c, "addr", "add", CLIENT_NEW_IP + "/24", "dev", "c1")
        for dev in ("c0", "c1"):
            self.sysctl(c, "net.ipv4.conf.%s.rp_filter" % dev, 0)
            self.ip(c, "link", "set", dev, "up")
        # The new address reaches the server through the new link only.
        self.ip(c, "rule", "add", "from", CLIENT_NEW_IP, "table", "100")
        self.ip(c, "route", "add", "10.199.0.0/24", "dev", "c1", "src", CLIENT_NEW_IP, "table", "100")

    def delete(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)
        self.created = []


def start_tcpdump(ns, path):
    # -Z root: Debian's tcpdump otherwise drops to its own user and cannot write `path`;
    # --immediate-mode: no packets held back in the kernel's buffer when it is stopped.
    p = subprocess.Popen(["ip", "netns", "exec", ns, "tcpdump", "-Z", "root", "--immediate-mode", "-U", "-n",
                          "-i", "br0", "-w", path, "udp", "port", str(PORT)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # tcpdump says "listening on br0" once the capture runs.
    deadline = time.monotonic() + STEP_TIMEOUT_S
    line = ""
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if "listening on" in line or not line:
            break
    if "listening on" not in line:
        p.kill()
        p.wait()
        raise RuntimeError("tcpdump did not start: " + line.strip())
    return p


def stop(p, sig=signal.SIGINT):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout=STEP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def peer_cmd(binary, ns, role, keys, *args):
    return ["ip", "netns", "exec", ns, binary, "simulate", "--live-peer", role, "--keys", keys,
            "--exchanges", str(EXCHANGES), "--timeout", str(PEER_TIMEOUT_S)] + list(args)


def run_peers(binary, nets, keys):
    server = subprocess.Popen(peer_cmd(binary, nets.server, "server", keys, "--bind", "%s:%d" % (SERVER_IP, PORT),
                                       "--offer", SERVER_OFFER, "--seed", "2"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)  # the server binds before the client's first request
        client = subprocess.run(peer_cmd(binary, nets.client, "client", keys, "--bind", CLIENT_OLD_IP + ":0",
                                         "--peer", "%s:%d" % (SERVER_IP, PORT), "--migrate-to", CLIENT_NEW_IP + ":0",
                                         "--offer", CLIENT_OFFER, "--id-update-at", str(ID_UPDATE_AT),
                                         "--seed", "1"),
                                capture_output=True, text=True, timeout=PEER_TIMEOUT_S + 5)
        out, err = server.communicate(timeout=PEER_TIMEOUT_S + 5)
    finally:
        stop(server, signal.SIGTERM)
    print(client.stdout.strip())
    print(out.strip())
    if client.returncode != 0 or server.returncode != 0:
        raise RuntimeError("peers failed:\n" + client.stderr + err)


def check_verdict(report):
    """The analyzer's view of the kernel-made capture; returns the problems found."""
    problems = []
    s = report["summary"]
    if s["oscore_messages"] != 2 * EXCHANGES or s["decrypted"] != s["oscore_messages"]:
        problems.append("expected %d OSCORE messages, all decrypted; summary %s" % (2 * EXCHANGES, s))
    procs = report["procedures"]
    if len(procs) != 1:
        problems.append("expected one procedure, got %d" % len(procs))
    else:
        p = procs[0]
        want = {"type": "id-update", "initiator": "client", "outcome": "success", "mode": "standalone"}
        got = {k: p.get(k) for k in want}
        if got != want:
            problems.append("procedure %s, expected %s" % (got, want))
        if p.get("old_ids") != {"client_sender_id": "01", "server_sender_id": "00"}:
            problems.append("old IDs %s" % p.get("old_ids"))
        if p.get("new_ids") != {"client_sender_id": SERVER_OFFER, "server_sender_id": CLIENT_OFFER}:
            problems.append("new IDs %s" % p.get("new_ids"))
    for f in report["findings"]:
        if f["severity"] in ("error", "warning"):
            problems.append("finding %s at frame %s: %s" % (f["code"], f["frame"], f["message"]))
    # The move: old IDs only from the old address, new IDs only from the new one.
    requests = [m for m in report["messages"] if m["kind"] == "request"]
    by_kid = {}
    for m in requests:
        by_kid.setdefault(m.get("kid"), set()).add(m["src"].split(":")[0])
    if by_kid != {"01": {CLIENT_OLD_IP}, SERVER_OFFER: {CLIENT_NEW_IP}}:
        problems.append("request sources by kid: %s" % by_kid)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keep", help="copy the capture, keys and report here")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)

    def interrupted(signum, _frame):
        raise Interrupted("signal %d" % signum)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)

    if os.geteuid() != 0:
        print("SKIP: network namespaces need root")
        return SKIP
    for tool in ("ip", "tcpdump"):
        if not shutil.which(tool):
            print("SKIP: %s not installed" % tool)
            return SKIP

    start = time.monotonic()
    nets = Namespaces()
    work = tempfile.mkdtemp(prefix="oidu-net-")
    try:
        nets.create()
        keys = os.path.join(work, "net.oscore_contexts")
        with open(keys, "w") as f:
            f.write(KEY_LINE)
        capture = os.path.join(work, "net.pcap")
        tcpdump = start_tcpdump(nets.server, capture)
        try:
            run_peers(binary, nets, keys)
            time.sleep(0.2)  # the last response is on the bridge before the client sees it
        finally:
            stop(tcpdump)
        p = run([binary, "analyze", "--format", "json", "--fail-on", "never", "--keys", keys, capture])
        report = json.loads(p.stdout)
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            for path in (keys, capture):
                shutil.copy(path, a.keep)
            with open(os.path.join(a.keep, "net.report.json"), "w") as f:
                f.write(p.stdout)
        problems = check_verdict(report)
        for problem in problems:
            print("FAIL:", problem)
        if problems:
            return 1
        print("ok: one ID update over real UDP, client moved %s -> %s, %d frames decrypted, no findings (%.1f s)"
              % (CLIENT_OLD_IP, CLIENT_NEW_IP, report["summary"]["decrypted"], time.monotonic() - start))
        return 0
    except Skip as e:
        print("SKIP:", e)
        return SKIP
    except (RuntimeError, subprocess.TimeoutExpired, Interrupted) as e:
        print("FAIL:", e)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        nets.delete()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
