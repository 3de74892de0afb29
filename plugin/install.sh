#!/bin/sh
# Copies the plugin into the personal plugin folder of the installed Wireshark, e.g.
# ~/.local/lib/wireshark/plugins/4.0/epan/ for Wireshark 4.0.
# Usage: plugin/install.sh [path/to/oscore_idu.so]   (default: build/plugin/oscore_idu.so)
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
so=${1:-$repo/build/plugin/oscore_idu.so}

if [ ! -f "$so" ]; then
  echo "install-plugin: $so not found; build it first (make, or cmake --build build --target oscore_idu)" >&2
  exit 1
fi
if ! command -v tshark >/dev/null 2>&1; then
  echo "install-plugin: tshark not found; install Wireshark (Debian: apt-get install tshark)" >&2
  exit 1
fi

# Ask Wireshark itself where personal plugins go: the folder carries its major.minor version,
# and a plugin built for another version is not loaded.
personal=$(tshark -G folders 2>/dev/null | sed -n 's/^Personal Plugins:[[:space:]]*//p')
if [ -z "$personal" ]; then
  version=$(tshark --version | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p')
  personal="$HOME/.local/lib/wireshark/plugins/$version"
fi
dest="$personal/epan"

mkdir -p "$dest"
cp "$so" "$dest/oscore_idu.so"
chmod 644 "$dest/oscore_idu.so"

echo "Installed $dest/oscore_idu.so"
echo "Check that Wireshark loads it:  tshark -G plugins | grep oscore_idu"
if [ "$(id -u)" = 0 ]; then
  echo "Note: Wireshark ignores personal plugins when run as root; install as the user who runs it." >&2
fi
