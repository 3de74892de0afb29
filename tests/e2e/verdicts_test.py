#!/usr/bin/env python3
"""The CLI's reports on shipped captures must not contradict themselves: contexts with the
roles the traffic settled, chart labels that follow the context that opened a KUDOS message,
procedures charted in the order they began."""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

CLI = sys.argv.pop(1)
CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def run(*args):
    return subprocess.run([CLI, "analyze", "--fail-on", "never", *map(str, args)],
                          capture_output=True, text=True, check=True).stdout


class Verdicts(unittest.TestCase):
    def test_key_file_from_the_servers_side(self):
        # Wireshark's key table puts the client's Sender ID first; written the other way round,
        # the engine turns it around from the traffic, and every part of the report agrees.
        line = (CAPTURES / "idu-client-initiated.oscore_contexts").read_text().strip()
        fields = line.split(",")
        fields[0], fields[1] = fields[1], fields[0]
        with tempfile.TemporaryDirectory() as tmp:
            keys = Path(tmp) / "server-side.oscore_contexts"
            keys.write_text(",".join(fields) + "\n")
            doc = json.loads(run("--format", "json", "-k", keys, CAPTURES / "idu-client-initiated.pcapng"))
        keys_context = doc["contexts"][0]
        self.assertEqual(keys_context["origin"], "keys")
        old = doc["procedures"][0]["old_ids"]
        self.assertEqual(keys_context["client_sender_id"], old["client_sender_id"])
        self.assertEqual(keys_context["server_sender_id"], old["server_sender_id"])
        self.assertEqual(keys_context["client_sender_id"], "01")

    def test_convergent_kudos_message_is_charted_as_convergent(self):
        third = CAPTURES / "third-party"
        text = run("-k", third / "californium-kudos.oscore_contexts", third / "californium-kudos.pcap")
        chart = [l for l in text.splitlines() if "CTX_NEW  convergent" in l]
        self.assertEqual(len(chart), 1, text)
        self.assertIn(" conv x=07 ", chart[0])
        self.assertNotIn(" div ", chart[0])

    def test_procedures_charted_in_order(self):
        text = run("-k", CAPTURES / "multi-pair.oscore_contexts", CAPTURES / "multi-pair.pcapng")
        ids = [int(l.split("#")[1].split(":")[0]) for l in text.splitlines() if l.startswith("Procedure #")]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(ids), 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
