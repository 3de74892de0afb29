# Sourced by the scripts that make chroots (tests/wireshark-versions/run.sh,
# tests/interop/make-chroot.sh).
#
# remove_tree DIR: removes a chroot tree. An interrupted mmdebstrap or test run can leave
# /proc, /sys or /dev mounted inside it: those are unmounted first, and rm never crosses into
# a file system mounted below the tree, so nothing of the host's is ever touched.
remove_tree() {
  local dir=$1 mounts m
  [ -e "$dir" ] || return 0
  mounts=$(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
  for m in $mounts; do umount -l "$m"; done
  rm -rf --one-file-system "$dir"
}
