#!/bin/sh
# Regenerates every scenario capture of this folder, byte for byte, with the simulator:
#   captures/regenerate.sh [BINARY]              captures and key files
#   captures/regenerate.sh --baselines [BINARY]  also rewrite NAME.expected.json and
#                                                NAME.golden.txt (review the diff!)
# BINARY defaults to build/bin/oscore-idu. The seed is fixed: the same binary writes the
# same bytes, and tests/golden checks that the committed files are what it writes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
baselines=no
if [ "${1:-}" = "--baselines" ]; then baselines=yes; shift; fi
bin=${1:-$here/../build/bin/oscore-idu}
[ -x "$bin" ] || { echo "regenerate.sh: $bin not found (build first, or pass the binary)" >&2; exit 2; }

"$bin" simulate --list | while read -r name _; do
  ext=pcapng
  case "$name" in *-pcap) ext=pcap ;; esac
  rm -f "$here/$name.keys.json"
  "$bin" simulate --scenario "$name" --seed 1 -o "$here/$name.$ext" 2>/dev/null
done
if [ "$baselines" = yes ]; then
  python3 "$here/../tests/golden/golden.py" --write --binary "$bin" --captures "$here"
  python3 "$here/../tests/golden/columns.py" --write --binary "$bin" --dir "$here"
fi
