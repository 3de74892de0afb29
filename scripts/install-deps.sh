#!/usr/bin/env bash
# Installs the Debian 12 packages oscore-idu builds and tests with. As root it runs
# apt-get; otherwise it prints the exact command and fails if anything is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config           # toolchain
  file                                       # make package: CPack's dependency scan
  libssl-dev                                 # OpenSSL 3 EVP: HKDF and every AEAD
  libpcap-dev                                # reading pcap and pcapng
  libxxhash-dev                              # XXH3: fingerprints in the engine's hot tables
  nlohmann-json3-dev                         # JSON key files and reports
  libcli11-dev                               # command-line parsing
  libgtest-dev                               # unit tests
  libwireshark-dev libglib2.0-dev            # the Wireshark plugin
  tshark                                     # plugin tests and the tshark comparison
  python3                                    # test drivers (standard library only)
  groff-base                                 # the install test renders the generated man page
  clang libclang-rt-14-dev                   # libFuzzer targets, sanitizers
  tcpdump iproute2 util-linux passwd         # network-namespace test, unprivileged tshark runs
  wireshark-qt xvfb xdotool x11-apps x11-utils imagemagick tesseract-ocr  # GUI smoke test of the plugin
  mmdebstrap                                 # chroots of other Debian releases (Wireshark 4.4, 4.6)
  chromium                                   # the HTML report rendered headless: no console errors, screenshots
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "oscore-idu needs these Debian packages; run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
