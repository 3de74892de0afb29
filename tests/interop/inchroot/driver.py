#!/usr/bin/env python3
"""Runs one interop case inside the sid chroot, in a network namespace of its own (made by
the host with unshare -n, so only its loopback exists and every rule dies with it).

  driver.py CASE.json WORKDIR

Starts tcpdump on lo, the server stack, then the client stack step by step, and writes
WORKDIR/capture.pcap, the stacks' logs, and WORKDIR/stack-truth.json: the events each
stack itself logged (every plaintext it protected, verified or failed to verify) and what
its application saw. Every wait is bounded.
"""
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import libcoap_log  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
AEAD_NAMES = {10: "AES-CCM-16-64-128", 11: "AES-CCM-16-64-256", 12: "AES-CCM-64-64-128",
              13: "AES-CCM-64-64-256", 30: "AES-CCM-16-128-128", 31: "AES-CCM-16-128-256",
              32: "AES-CCM-64-128-128", 33: "AES-CCM-64-128-256", 1: "A128GCM",
              2: "A192GCM", 3: "A256GCM", 24: "ChaCha20/Poly1305"}
HKDF_LIBCOAP = {"sha256": -10, "sha512": -11}


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=30)


def loopback_only(addr):
    # The harness must never send anywhere else, whatever a case file says.
    if not ipaddress.ip_address(addr).is_loopback:
        raise SystemExit(f"refusing non-loopback address {addr}")
    return addr


def uri_host(addr):
    return f"[{addr}]" if ":" in addr else addr


class Case:
    def __init__(self, spec, work):
        self.s = spec
        self.work = work
        self.server_addr = loopback_only(spec.get("server_addr", "127.0.0.1"))
        self.port = spec.get("port", 5683)
        self.procs = []

    # ---- key material in each stack's own format
    def ctx_params(self, which):
        """(master secret, client sid, server sid) of context `which` ('a' or 'b')."""
        s = self.s
        if which == "b":
            idu = s["id_update"]
            return s["secret"], idu["server_offer"], idu["client_offer"]
        return s["secret"], s["client_sid"], s["server_sid"]

    def libcoap_conf(self, role, which="a", secret=None):
        msecret, csid, ssid = self.ctx_params(which)
        sender, recipient = (csid, ssid) if role == "client" else (ssid, csid)
        lines = [f'master_secret,hex,"{secret or msecret}"', f'master_salt,hex,"{self.s["salt"]}"',
                 f'sender_id,hex,"{sender}"', f'recipient_id,hex,"{recipient}"',
                 f'aead_alg,integer,{self.s["aead"]}',
                 f'hkdf_alg,integer,{HKDF_LIBCOAP[self.s["hkdf"]]}']
        if self.s.get("id_context") is not None:
            lines.append(f'id_context,hex,"{self.s["id_context"]}"')
        if self.s.get("b2"):
            lines.append("rfc8613_b_2,bool,true")
        if role == "server" and self.s.get("id_update"):
            # One coap-server conf has one Sender ID, so a libcoap server cannot also hold
            # CTX_B (Sender ID = the client's offer): ID updates run against aiocoap servers.
            raise SystemExit("a libcoap server cannot take part in a scripted ID update")
        path = os.path.join(self.work, f"{role}-{which}{'-wrong' if secret else ''}.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def aiocoap_ctx(self, role, which="a", secret=None):
        msecret, csid, ssid = self.ctx_params(which)
        sender, recipient = (csid, ssid) if role == "client" else (ssid, csid)
        d = os.path.join(self.work, f"aiocoap-{role}-{which}{'-wrong' if secret else ''}")
        if not os.path.isdir(d):
            os.makedirs(d)
            settings = {"sender-id_hex": sender, "recipient-id_hex": recipient,
                        "secret_hex": secret or msecret, "salt_hex": self.s["salt"],
                        "algorithm": AEAD_NAMES[self.s["aead"]], "kdf-hashfun": self.s["hkdf"]}
            if self.s.get("id_context") is not None:
                settings["id-context_hex"] = self.s["id_context"]
            with open(os.path.join(d, "settings.json"), "w") as f:
                json.dump(settings, f)
        return d

    def client_secret(self):
        return self.s.get("client_secret")  # a wrong Master Secret for the wrong-keys case

    # ---- processes
    def spawn(self, name, cmd):
        log = open(os.path.join(self.work, f"{name}.log"), "a")
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.work)
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGINT):
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)

    def wait_for(self, path, text, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if os.path.exists(path) and text in open(path, errors="replace").read():
                return
            time.sleep(0.05)
        raise SystemExit(f"timed out waiting for {text!r} in {path}")

    def start_server(self):
        if self.s["server"] == "libcoap":
            conf = self.libcoap_conf("server")
            p = self.spawn("server", ["timeout", "120", "coap-server-openssl", "-v", "7",
                                      "-A", self.server_addr, "-p", str(self.port),
                                      "-E", conf + "," + os.path.join(self.work, "server.seq")])
            self.wait_for(os.path.join(self.work, "server.log"), "created UDP")
        else:
            ctxs = ["--ctx", self.aiocoap_ctx("server")]
            if self.s.get("id_update"):
                ctxs += ["--ctx", self.aiocoap_ctx("server", "b")]
            idu = ["--id-update", self.s["id_update"]["server_offer"]] if self.s.get("id_update") else []
            truth = os.path.join(self.work, "server.truth.jsonl")
            start = os.path.getsize(truth) if os.path.exists(truth) else 0
            p = self.spawn("server", ["timeout", "120", "python3", f"{HERE}/aiocoap_peer.py",
                                      "server", "--bind", self.server_addr, "--port",
                                      str(self.port), "--truth", truth, "--lifetime", "100",
                                      *ctxs, *idu])
            end = time.monotonic() + 15
            while time.monotonic() < end and (not os.path.exists(truth) or
                                               os.path.getsize(truth) == start):
                time.sleep(0.05)
        self.server = p

    def libcoap_step(self, n, step):
        which = step.get("ctx", "a")
        conf = self.libcoap_conf("client", which, self.client_secret())
        seq = os.path.join(self.work, f"client-{which}.seq")
        method = step.get("method", "GET").lower()
        cmd = ["timeout", "60", "coap-client-openssl", "-v", "7", "-w", "-B", "10",
               "-E", f"{conf},{seq}", "-m", method]
        if step.get("payload_file_bytes"):
            path = os.path.join(self.work, f"payload-{n}.bin")
            with open(path, "wb") as f:
                f.write(bytes(range(48, 118)) * (step["payload_file_bytes"] // 70))
            cmd += ["-f", path]
        elif step.get("payload"):
            cmd += ["-e", step["payload"]]
        if step.get("block"):
            cmd += ["-b", str(step["block"])]
        if step.get("observe"):
            cmd += ["-s", str(step["observe_seconds"])]
        if step.get("non"):
            cmd.append("-N")
        if step.get("src"):
            cmd += ["-a", loopback_only(step["src"])]
        for number, value in step.get("options", []):
            cmd += ["-O", f"{number},0x{value}"]
        cmd.append(f"coap://{uri_host(self.server_addr)}:{self.port}{step['path']['libcoap' if self.s['server'] == 'libcoap' else 'aiocoap']}")
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=70, cwd=self.work)
        # libcoap logs to stdout; the received payload (-w) is printed there too.
        with open(os.path.join(self.work, "client.log"), "a") as f:
            f.write(f"### step {n}: {' '.join(cmd)}\n{out.stdout}{out.stderr}")
        return {"step": n, "command": cmd[2:], "exit": out.returncode}

    def aiocoap_steps(self, steps):
        plan = {"base": f"coap://{uri_host(self.server_addr)}:{self.port}", "steps": []}
        for step in steps:
            st = {"ctx": self.aiocoap_ctx("client", step.get("ctx", "a"), self.client_secret()),
                  "path": step["path"]["libcoap" if self.s["server"] == "libcoap" else "aiocoap"],
                  "method": step.get("method", "GET"), "options": step.get("options", [])}
            if step.get("payload_file_bytes"):
                st["payload"] = (bytes(range(48, 118)) * (step["payload_file_bytes"] // 70)).decode()
            elif step.get("payload"):
                st["payload"] = step["payload"]
            for key in ("observe", "pause"):
                if step.get(key):
                    st[key] = step[key]
            if step.get("src"):
                st["src"] = loopback_only(step["src"])
            plan["steps"].append(st)
        path = os.path.join(self.work, f"plan-{len(os.listdir(self.work))}.json")
        with open(path, "w") as f:
            json.dump(plan, f, indent=1)
        out = subprocess.run(["timeout", "90", "python3", f"{HERE}/aiocoap_peer.py", "client",
                              "--plan", path, "--truth",
                              os.path.join(self.work, "client.truth.jsonl")],
                             capture_output=True, text=True, timeout=100, cwd=self.work)
        with open(os.path.join(self.work, "client.log"), "a") as f:
            f.write(out.stdout + out.stderr)
        return {"plan": plan, "exit": out.returncode}

    def restart_server(self):
        # A crash, not a clean stop: the stack loses its replay window (RFC 8613 B.1.2).
        self.stop(self.server, signal.SIGKILL)
        for lock in ("aiocoap-server-a/lock", "aiocoap-server-b/lock"):
            if os.path.exists(os.path.join(self.work, lock)):
                os.unlink(os.path.join(self.work, lock))
        self.start_server()

    def run(self):
        sh("ip", "link", "set", "lo", "up")
        if self.s.get("loss"):
            # Drop every Nth datagram the server receives (deterministic nth, not random, so
            # a rerun loses the same ones); only in this case's own namespace.
            sh("iptables", "-A", "INPUT", "-i", "lo", "-p", "udp", "--dport", str(self.port),
               "-m", "statistic", "--mode", "nth", "--every", str(self.s["loss"]["every"]),
               "--packet", str(self.s["loss"]["packet"]), "-j", "DROP")
        pcap = os.path.join(self.work, "capture.pcap")
        dump = self.spawn("tcpdump", ["timeout", "200", "tcpdump", "-i", "lo", "-U", "-n",
                                      "--immediate-mode", "-B", "32768",
                                      "-w", pcap, "udp"])
        self.wait_for(os.path.join(self.work, "tcpdump.log"), "listening on")
        self.start_server()
        client_runs = []
        groups = self.step_groups()
        for n, group in enumerate(groups):
            if n and self.s.get("restart_before_group") == n:
                self.restart_server()
            if self.s["client"] == "libcoap":
                for step in group:
                    client_runs.append(self.libcoap_step(len(client_runs), step))
                    time.sleep(step.get("pause", 0))
            else:
                client_runs.append(self.aiocoap_steps(group))
        time.sleep(0.5)
        self.stop(self.server)
        time.sleep(0.3)
        self.stop(dump)
        for p in self.procs:
            self.stop(p, signal.SIGKILL)
        if self.s.get("loss"):
            counters = sh("iptables", "-L", "INPUT", "-v", "-n", "-x").stdout
        else:
            counters = None
        truth = self.truth(client_runs, counters)
        truth["tcpdump_dropped"] = self.tcpdump_dropped()
        return truth

    def tcpdump_dropped(self):
        """tcpdump's own count of packets the kernel dropped before it could write them (a
        busy machine): a capture with drops misses messages the stacks did send."""
        with open(os.path.join(self.work, "tcpdump.log")) as f:
            m = re.search(r"(\d+) packets? dropped by kernel", f.read())
        if not m:
            raise SystemExit("tcpdump did not report its statistics")
        return int(m.group(1))

    def step_groups(self):
        """Steps split at a server restart: the aiocoap client runs each group as one process."""
        steps, cut = self.s["steps"], self.s.get("restart_before_step")
        if cut is None:
            return [steps]
        self.s["restart_before_group"] = 1
        return [steps[:cut], steps[cut:]]

    def truth(self, client_runs, counters):
        sides = {}
        for side in ("client", "server"):
            if self.s[side] == "libcoap":
                with open(os.path.join(self.work, f"{side}.log"), errors="replace") as f:
                    sides[side] = libcoap_log.events(f.read())
            else:
                path = os.path.join(self.work, f"{side}.truth.jsonl")
                lines = open(path).read().splitlines() if os.path.exists(path) else []
                sides[side] = [json.loads(line) for line in lines if line.strip()]
        return {"client": sides["client"], "server": sides["server"],
                "client_runs": client_runs, "iptables": counters}


def main():
    spec_path, work = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        spec = json.load(f)
    truth = Case(spec, work).run()
    with open(os.path.join(work, "stack-truth.json"), "w") as f:
        json.dump(truth, f, indent=1)


if __name__ == "__main__":
    main()
