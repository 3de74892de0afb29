#!/usr/bin/env bash
# Regenerates the interop captures from the real stacks and checks them.
#   run.sh BUILD OUT      regenerate every case into OUT, then check OUT (make interop-captures)
#   run.sh BUILD          regenerate into a temp dir, check, remove it (make test-interop)
# Exits non-zero when the chroot cannot be made, unless OIDU_SKIP_INTEROP=1 (then 0, saying so).
# OIDU_INTEROP_CHROOT=DIR uses another chroot directory (default /var/cache/oscore-idu/interop-sid).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD [OUT]}
oidu="$build/bin/oscore-idu"
[ -x "$oidu" ] || { echo "interop: $oidu is not built" >&2; exit 1; }
skip_or_fail() {
  if [ "${OIDU_SKIP_INTEROP:-0}" = 1 ]; then echo "interop: SKIPPED (OIDU_SKIP_INTEROP=1): $1"; exit 0; fi
  echo "interop: $1 (set OIDU_SKIP_INTEROP=1 to skip)" >&2; exit 1
}
[ "$(id -u)" -eq 0 ] || skip_or_fail "needs root (chroot, unshare, tcpdump)"
chroot_dir=$(timeout 1000 "$here/make-chroot.sh" ${OIDU_INTEROP_CHROOT:-}) || skip_or_fail "cannot make the sid chroot"
if [ $# -ge 2 ]; then
  out=$2
  mkdir -p "$out"
  rm -f "$out"/*.pcap "$out"/*.truth.json "$out"/*.keys.json "$out"/*.oscore_contexts
else
  out=$(mktemp -d /tmp/oidu-interop-out.XXXXXX)
  trap 'rm -rf "$out"' EXIT
fi
start=$SECONDS
timeout 900 python3 "$here/regenerate.py" --chroot "$chroot_dir" --out "$out"
python3 "$here/check.py" --oidu "$oidu" --dir "$out"
if [ $# -ge 2 ]; then
  # New captures, new baselines: review them with git diff before committing.
  python3 "$here/../golden/columns.py" --binary "$oidu" --dir "$out" --write
fi
echo "interop: regenerated and checked in $((SECONDS - start)) s"
