#!/usr/bin/env bash
# The plugin against the Wireshark releases people run: for each Debian release (bookworm:
# 4.0, trixie: 4.4, sid: 4.6) it builds the plugin, the CLI and every test that runs tshark
# against that release's own libwireshark-dev, runs them with that release's tshark (as an
# unprivileged user, as in `make test`), builds the release's .deb and checks that tshark
# loads the plugin from the system folder once the package is installed.
#
# Each release lives in a chroot made by mmdebstrap from Debian's archive, cached outside the
# clone (OIDU_CHROOT_CACHE, default /var/cache/oscore-idu) and made again when missing or
# when the package list below changes. Bookworm gets a chroot too, although the host is
# bookworm: installing the package there leaves the host's system plugin folder alone.
#
# Usage: tests/wireshark-versions/run.sh [RELEASE...]   (default: bookworm trixie sid)
# Output: the packages and the GUI screenshots in $OIDU_WS_OUT (default build/wireshark-versions).
# Exit 0 when every release passed; 1 when one failed; 2 when a chroot cannot be made (no root,
# no archive), unless OIDU_SKIP_WS_MATRIX=1, which turns that case into a skip (exit 0).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/scripts/chroot-tree.sh"
cache=${OIDU_CHROOT_CACHE:-/var/cache/oscore-idu}
out=$(realpath -m "${OIDU_WS_OUT:-$repo/build/wireshark-versions}")
jobs=${JOBS:-$(nproc)}
releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(bookworm trixie sid)

# What the chroots need: the build dependencies of scripts/install-deps.sh that the plugin
# and its tests use, tshark and the Qt GUI for the smoke test.
common_packages=(
  build-essential cmake pkg-config libssl-dev libpcap-dev libxxhash-dev nlohmann-json3-dev
  libcli11-dev libgtest-dev libwireshark-dev libglib2.0-dev tshark python3 passwd util-linux file
  xvfb xdotool x11-apps x11-utils imagemagick tesseract-ocr
)
# The tests that involve Wireshark: the plugin suite, the tshark comparisons, and the unit
# tests that check our decoding against tshark's fields. And the targets they need, with the
# man page and bash completion (oscore-idu-docs) that the .deb installs.
test_regex='^(plugin_|tshark_)|MatchTshark|TsharkAgrees'
targets=(oscore-idu oscore-idu-docs oscore_idu test_plugin_store test_capture_reader test_capture_writer
         test_wire_coap test_wire_oscore_option)

skip_or_fail() {
  echo "test-wireshark-versions: $*" >&2
  if [ "${OIDU_SKIP_WS_MATRIX:-}" = 1 ]; then
    echo "test-wireshark-versions: OIDU_SKIP_WS_MATRIX=1: skipped" >&2
    exit 0
  fi
  exit 2
}

gui_package() {   # Debian renamed the Qt GUI package after bookworm
  case "$1" in bookworm) echo wireshark-qt ;; *) echo wireshark ;; esac
}

packages_of() {
  local list=("${common_packages[@]}" "$(gui_package "$1")")
  local IFS=,
  echo "${list[*]}"
}

# Makes $cache/ws-RELEASE unless it exists with the same package list.
ensure_chroot() {
  local release=$1 root=$cache/ws-$1 packages
  packages=$(packages_of "$release")
  local stamp="$release $packages"
  if [ -f "$root/.oidu-stamp" ] && [ "$(cat "$root/.oidu-stamp")" = "$stamp" ]; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || skip_or_fail "making the $release chroot needs root"
  command -v mmdebstrap >/dev/null || skip_or_fail "mmdebstrap is not installed (apt-get install mmdebstrap)"
  echo "== making the $release chroot in $root (mmdebstrap, Debian's archive)"
  mkdir -p "$cache"
  remove_tree "$root"
  remove_tree "$root.new"
  local opts=(--variant=apt --include="$packages"
              # tshark asks whether non-root users may capture; the answer does not matter.
              --essential-hook='echo "wireshark-common wireshark-common/install-setuid boolean false" | chroot "$1" debconf-set-selections')
  # sid's Release file can be past its Valid-Until date between archive runs.
  [ "$release" = sid ] && opts+=(--aptopt='Acquire::Check-Valid-Until "false"')
  if ! mmdebstrap "${opts[@]}" "$release" "$root.new" > "$cache/ws-$release.log" 2>&1; then
    tail -n 20 "$cache/ws-$release.log" >&2
    remove_tree "$root.new"
    skip_or_fail "mmdebstrap could not make the $release chroot (log: $cache/ws-$release.log)"
  fi
  echo "$stamp" > "$root.new/.oidu-stamp"
  mv "$root.new" "$root"
}

# Runs a bash script as root inside the chroot, with /proc, /dev and /sys mounted in a
# mount namespace of its own, so nothing stays mounted when it ends.
in_chroot() {
  local root=$1 script=$2
  unshare --mount --propagation private -- bash -c '
    set -e
    root=$1
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
      LC_ALL=C.UTF-8 JOBS="$3" bash -euo pipefail -c "$2"' _ "$root" "$script" "$jobs"
}

run_release() {
  local release=$1 root=$cache/ws-$1
  ensure_chroot "$release"
  local version
  version=$(chroot "$root" dpkg-query -W -f='${Version}' tshark)
  echo "== $release: Wireshark $version"

  # A copy of the tree without build folders or git metadata, made fresh for every run.
  remove_tree "$root/oidu"
  mkdir -p "$root/oidu/src"
  tar -C "$repo" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$root/oidu/src" -xf -
  chmod -R a+rX "$root/oidu"

  local targets_text="${targets[*]}"
  if ! in_chroot "$root" "
      cd /oidu
      cmake -S src -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > cmake.log
      cmake --build build -j\$JOBS --target $targets_text 2>&1 | grep -E 'warning|error|Error' || true
      test -f build/plugin/oscore_idu.so
      cd build
      ctest --output-on-failure -j\$JOBS -R '$test_regex'
      cpack > /dev/null
      # The GUI smoke test's screenshot, as evidence of this release's rendering.
      bash ../src/tests/plugin/gui_smoke.sh --plugin plugin/oscore_idu.so \
          --captures ../src/captures --work work-gui-shot --screenshot /oidu/wireshark-gui.png
    "; then
    echo "== $release: FAILED (build or tests)" >&2
    return 1
  fi
  mkdir -p "$out"
  cp "$root"/oidu/build/packages/*.deb "$out/"
  cp "$root/oidu/wireshark-gui.png" "$out/wireshark-gui-$release.png"
  cp "$root/oidu/wireshark-gui-procedures.png" "$out/wireshark-gui-$release-procedures.png"
  local deb
  deb=$(basename "$(ls "$root"/oidu/build/packages/*.deb)")

  # The package as a user would install it: apt resolves its Depends against what the
  # release ships; tshark, as an unprivileged user with no personal plugin folder, must list
  # the plugin from the system folder and decrypt with it.
  if ! in_chroot "$root" "
      apt-get install -y -qq /oidu/build/packages/$deb > /oidu/apt-install.log
      id -u oidu-test > /dev/null 2>&1 || useradd --system --no-create-home oidu-test
      home=\$(mktemp -d); chown oidu-test \"\$home\"
      as_user() { runuser -u oidu-test -- env HOME=\"\$home\" \"\$@\"; }
      plugdir=\$(pkg-config --variable=plugindir wireshark)/epan
      as_user tshark -G plugins | grep -F \"\$plugdir/oscore_idu.so\"
      test ! -e \"\$home/.local/lib/wireshark\"
      kudos=/oidu/src/captures/third-party/californium-kudos
      cp \$kudos.oscore_contexts \"\$home/keys\"; chown oidu-test \"\$home/keys\"
      decrypted=\$(as_user tshark -r \$kudos.pcap -o \"oscore_idu.key_file:\$home/keys\" \
          -Y 'oscore_idu.status == \"decrypted\"' -T fields -e frame.number | wc -l)
      echo \"decrypted with the installed plugin: \$decrypted frames\"
      test \"\$decrypted\" -gt 0
      /usr/bin/oscore-idu --version
      apt-get remove -y -qq oscore-idu > /dev/null
      rm -rf \"\$home\"
    "; then
    echo "== $release: FAILED (package $deb)" >&2
    return 1
  fi
  echo "== $release: passed (Wireshark $version, package $deb)"
}

failed=()
for release in "${releases[@]}"; do
  case "$release" in bookworm|trixie|sid) ;; *) echo "unknown release $release" >&2; exit 2 ;; esac
  run_release "$release" || failed+=("$release")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-wireshark-versions: failed on ${failed[*]}" >&2
  exit 1
fi
echo "test-wireshark-versions: passed on ${releases[*]}; packages in $out"
