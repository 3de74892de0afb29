#!/usr/bin/env python3
"""End to end on the third-party captures: the analyzer's JSON against what the capture
README (captures/third-party/README.md) says each capture holds, independently of our code."""
import json
import subprocess
import sys
import unittest
from pathlib import Path

CLI = sys.argv.pop(1)
CAPTURES = Path(__file__).resolve().parents[2] / "captures" / "third-party"


def analyze(name, *extra):
    cap = CAPTURES / f"{name}.pcap"
    keys = CAPTURES / f"{name}.oscore_contexts"
    run = subprocess.run([CLI, "analyze", "--format", "json", "--fail-on", "never",
                          "--keys", str(keys), str(cap), *extra],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


class ThirdPartyCaptures(unittest.TestCase):
    def test_libcoap_all_ten_decrypt(self):
        doc = analyze("libcoap-oscore")
        oscore = [m for m in doc["messages"] if "kid" in m or m["status"] != "not-oscore"]
        self.assertEqual(len(oscore), 10)
        self.assertTrue(all(m["status"] == "decrypted" for m in oscore))
        self.assertEqual(doc["summary"]["decrypted"], 10)
        self.assertEqual(doc["summary"]["frames"], 18)
        # Frame 2: the protected 4.01 with Echo (RFC 8613 B.1.2), with the server's own PIV.
        frame2 = next(m for m in doc["messages"] if m["frame"] == 2)
        self.assertEqual(frame2["inner_code"], "4.01")
        self.assertIn("Echo", [o["name"] for o in frame2["options"]])
        self.assertEqual(frame2["piv"], "00")
        # Requests carry Request-Tag inside the encryption; client Sender ID is empty.
        frame1 = next(m for m in doc["messages"] if m["frame"] == 1)
        self.assertEqual(frame1["kid"], "")
        self.assertIn(292, [o["number"] for o in frame1["options"]])
        self.assertEqual(doc["procedures"], [])

    def test_recipient_id_options(self):
        doc = analyze("libcoap-oscore-recipient-id-options")
        oscore = [m for m in doc["messages"] if m["status"] != "not-oscore"]
        self.assertEqual(len(oscore), 8)
        self.assertTrue(all(m["status"] == "decrypted" for m in oscore))
        names = {o["name"]: o["value"] for m in oscore for o in m.get("options", [])
                 if o["number"] in (24, 32)}
        self.assertEqual(names.get("Recipient-ID-Ack"), "78")
        first = next(m for m in doc["messages"] if m["frame"] == 1)
        self.assertIn({"number": 24, "name": "Recipient-ID", "value": "42"}, first["options"])
        # The server never answers with its own Recipient-ID: nothing completes.
        self.assertTrue(doc["procedures"])
        for p in doc["procedures"]:
            self.assertEqual(p["type"], "id-update")
            self.assertEqual(p["initiator"], "client")
            self.assertNotEqual(p["outcome"], "success")
            self.assertNotIn("new_ids", p)
        # The client's Recipient-ID-Ack 78 was never offered by the server.
        ack_frames = [m["frame"] for m in oscore
                      if any(o["number"] == 32 for o in m.get("options", []))]
        mismatches = [f for f in doc["findings"] if f["code"] == "ACK_MISMATCH"]
        self.assertEqual([f["frame"] for f in mismatches], ack_frames)
        self.assertTrue(any(f["code"] == "NO_CONTINUATION" for f in doc["findings"]))

    def test_californium_kudos(self):
        doc = analyze("californium-kudos")
        oscore = [m for m in doc["messages"] if m["status"] != "not-oscore"]
        self.assertEqual(len(oscore), 6)
        self.assertTrue(all(m["status"] == "decrypted" for m in oscore))
        frame2 = next(m for m in doc["messages"] if m["frame"] == 2)
        self.assertEqual(frame2["kudos"]["x"], "07")
        self.assertEqual(frame2["kudos"]["nonce"], "f2f177d9afd1bc1b")
        self.assertEqual(frame2["kudos"]["derivation"], "draft-07")
        self.assertIn("CTX_TEMP", frame2["context_origin"])
        frame4 = next(m for m in doc["messages"] if m["frame"] == 4)
        self.assertEqual(frame4["kudos"]["nonce"], "e41b7c92e622351e")
        for m in oscore:
            if m["frame"] >= 4:
                self.assertIn("CTX_NEW", m["context_origin"], m["frame"])
        self.assertEqual(len(doc["procedures"]), 1)
        p = doc["procedures"][0]
        self.assertEqual((p["type"], p["initiator"], p["mode"], p["outcome"], p["derivation"]),
                         ("kudos", "client", "fs", "success", "draft-07"))
        self.assertEqual(p["old_ids"], {"client_sender_id": "02", "server_sender_id": "01"})
        self.assertEqual(doc["findings"], [])

    def test_secrets_only_on_request(self):
        doc = analyze("californium-kudos")
        self.assertTrue(all("master_secret" not in c for c in doc["contexts"]))
        shown = analyze("californium-kudos", "--show-keys")
        new = next(c for c in shown["contexts"] if "CTX_NEW" in c["origin"])
        # The README's hand-computed values for the older derivation.
        self.assertEqual(new["master_secret"], "1acea240fe3031a1dbf5d0a97dbc50a1")
        self.assertEqual(new["master_salt"], "48f2f177d9afd1bc1b48e41b7c92e622351e")

    def test_appendix_b2_rederived_contexts(self):
        doc = analyze("libcoap-oscore-appendix-b2")
        by_frame = {m["frame"]: m for m in doc["messages"]}
        # Requests carry the re-derived ID Context in clear and decrypt with it.
        self.assertEqual(by_frame[3]["status"], "decrypted")
        self.assertEqual(by_frame[29]["status"], "decrypted")
        self.assertEqual(by_frame[31]["payload"], b"hello-oscore".hex())
        # The server's first 4.01 of each B.2 exchange (kid context R2, no Partial IV) is
        # protected with ID Context R2 || ID1 and request #1's nonce (libcoap 4.3.5
        # coap_oscore.c, "Appendix B.2 server step 2"): the client accepted it and went on
        # with R2 || R3, so every OSCORE message of the capture must open.
        for frame in (2, 10, 18, 26):
            self.assertEqual(by_frame[frame]["status"], "decrypted", frame)
            self.assertEqual(by_frame[frame]["inner_code"], "4.01", frame)
        self.assertEqual(doc["summary"]["undecryptable"], 0)
        self.assertNotIn("DECRYPT_FAILED", [f["code"] for f in doc["findings"]])


class BadInput(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([CLI, *args], capture_output=True, text=True)

    def test_garbage_capture_exits_2_naming_the_file(self):
        garbage = Path(CAPTURES / "README.md")
        run = self.run_cli("analyze", str(garbage))
        self.assertEqual(run.returncode, 2)
        self.assertIn("README.md", run.stderr)

    def test_bad_key_file_names_file_and_line(self):
        run = self.run_cli("analyze", "--keys", str(CAPTURES / "README.md"),
                           str(CAPTURES / "libcoap-oscore.pcap"))
        self.assertEqual(run.returncode, 2)
        self.assertIn("README.md", run.stderr)

    def test_usage_error_exits_2(self):
        self.assertEqual(self.run_cli("analyze", "--format", "xml", "x").returncode, 2)

    def test_fail_on(self):
        cap = CAPTURES / "libcoap-oscore-recipient-id-options.pcap"
        keys = CAPTURES / "libcoap-oscore-recipient-id-options.oscore_contexts"
        self.assertEqual(self.run_cli("analyze", "--keys", str(keys), str(cap)).returncode, 1)
        self.assertEqual(self.run_cli("analyze", "--fail-on", "never", "--keys", str(keys),
                                      str(cap)).returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
