#!/usr/bin/env bash
# Makes (or reuses) the Debian sid chroot that holds the real OSCORE stacks: libcoap 4.3.5
# (coap-client/-server) and aiocoap 0.4.17. It lives outside the clone so every worktree and
# CI run shares it; it is rebuilt when missing or when packages.txt (the stamp) changes.
# Usage: make-chroot.sh [DIR]   (default /var/cache/oscore-idu/interop-sid); prints DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/chroot-tree.sh"
dir=${1:-/var/cache/oscore-idu/interop-sid}
stamp="$dir/.oidu-packages"
want=$(grep -v '^#' "$here/packages.txt" | sed '/^$/d' | sort | paste -sd, -)

if [ -d "$dir" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "$dir"; exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "make-chroot: needs root (mmdebstrap, chroot)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "make-chroot: mmdebstrap is not installed" >&2; exit 1; }
# Build next to the target and swap in only on success, so a failed build leaves nothing half made.
tmp="$dir.new.$$"
remove_tree "$tmp"
trap 'remove_tree "$tmp"' EXIT
echo "make-chroot: building $dir ($want), takes about 90 s" >&2
timeout 900 mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
  --include="$want" sid "$tmp" >&2
echo "$want" > "$tmp/.oidu-packages"
remove_tree "$dir"
mv "$tmp" "$dir"
trap - EXIT
echo "$dir"
