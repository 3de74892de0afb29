#!/usr/bin/env bash
# The tshark and plugin tests run tshark as an unprivileged user (Wireshark ignores
# personal plugins and preferences when run as root), and that user must be able to reach
# the build tree. A checkout under a private directory (mktemp -d makes mode 700) would
# hide it, so as root this grants search permission (o+x, not read) on the directories
# above DIR that lack it, and says which.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || exit 0
dir=$(cd "${1:-.}" && pwd)
while [ "$dir" != "/" ]; do
  if [ "$(( 0$(stat -c %a "$dir") & 1 ))" -eq 0 ]; then
    chmod o+x "$dir"
    echo "open-for-test-user: granted search permission (o+x) on $dir for the tshark test user"
  fi
  dir=$(dirname "$dir")
done
