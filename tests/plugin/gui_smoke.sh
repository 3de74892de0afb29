#!/bin/bash
# GUI smoke test: Wireshark (Qt) under Xvfb opens the Californium KUDOS capture with the
# oscore_idu plugin and its key table, selects frame 2, expands the "OSCORE ID Update" tree
# and takes a screenshot of the screen. Then it opens Statistics > OSCORE ID Update
# procedures (found on the screen by OCR, since the menu's layout differs between releases),
# checks that the window shows the capture's KUDOS procedure, and takes a second screenshot.
#
# Wireshark ignores personal plugins when it runs as root, so as root it runs as the system
# user `oidu-test` (as plugin_tests.py does) with a HOME of its own under the work directory.
#
# Usage: gui_smoke.sh --plugin SO --captures DIR --work DIR [--screenshot OUT.png]
#   --screenshot also copies the screenshots to OUT.png (docs/wireshark-plugin.png) and
#   OUT-procedures.png.
# Exit 0 on success, 1 on failure, 77 when a needed tool is missing (ctest SKIP).
# Needs the Debian packages wireshark-qt (wireshark from Debian 13 on), xvfb, xdotool,
# x11-apps (xwd), imagemagick and tesseract-ocr.
set -u

TEST_USER=oidu-test
SKIP=77
WINDOW_TIMEOUT=30
# The screen: large enough that the expanded tree is mostly visible.
WIDTH=1600
HEIGHT=1150

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit "$SKIP"; }

plugin="" captures="" work="" screenshot=""
while [ $# -gt 0 ]; do
  case "$1" in
    --plugin) plugin=$2; shift 2 ;;
    --captures) captures=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --screenshot) screenshot=$2; shift 2 ;;
    *) fail "unknown argument $1" ;;
  esac
done
if [ -z "$plugin" ] || [ -z "$captures" ] || [ -z "$work" ]; then
  fail "usage: $0 --plugin SO --captures DIR --work DIR [--screenshot OUT.png]"
fi
[ -f "$plugin" ] || fail "no plugin at $plugin"

for tool in wireshark Xvfb xdotool xwd convert tesseract; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (Debian: wireshark-qt xvfb xdotool x11-apps imagemagick tesseract-ocr)"
done

capture=$captures/third-party/californium-kudos.pcap
keys=$captures/third-party/californium-kudos.oscore_contexts
if [ ! -f "$capture" ] || [ ! -f "$keys" ]; then
  fail "missing $capture or $keys"
fi

# Personal plugins go into a folder named after Wireshark's major.minor (plugins/4.6/epan).
series=$(wireshark --version 2>/dev/null | sed -n '1s/^Wireshark \([0-9][0-9]*\.[0-9][0-9]*\)\..*/\1/p')
[ -n "$series" ] || fail "cannot read the version of wireshark: $(wireshark --version 2>&1 | head -n1)"

work=$(realpath -m "$work")
home=$work/home
shot=$work/wireshark-gui.png
rm -rf "$work"
mkdir -p "$home/.local/lib/wireshark/plugins/$series/epan" "$home/.config/wireshark" "$home/run" \
  || fail "cannot create $work"
cp "$plugin" "$home/.local/lib/wireshark/plugins/$series/epan/oscore_idu.so"
chmod 700 "$home/run"
# A small packet list leaves the screen to the packet details; the window fills the screen
# (Xvfb has no window manager to size it).
cat > "$home/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $WIDTH
gui.geometry_main_height: $HEIGHT
gui.geometry_main_maximized: FALSE
EOF
cat > "$home/.config/wireshark/recent" <<EOF
gui.geometry_main_upper_pane: 190
EOF

as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u "$TEST_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$TEST_USER" 2>/dev/null
    # useradd exits 9 when a test running in parallel created the user meanwhile.
    id -u "$TEST_USER" >/dev/null 2>&1 || fail "cannot create user $TEST_USER"
  fi
  chown -R "$TEST_USER": "$home"
  chmod o+x "$work"
  as_user=(setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups)
fi

uat=()
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  uat+=(-o "uat:oscore_idu_contexts:$line")
done < "$keys"

xvfb_pid="" ws_pid=""
cleanup() {
  [ -n "$ws_pid" ] && kill "$ws_pid" 2>/dev/null && wait "$ws_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# -displayfd: Xvfb picks a free display itself and writes its number.
Xvfb -displayfd 3 -screen 0 "${WIDTH}x${HEIGHT}x24" -nolisten tcp 3>"$work/display" \
  >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 $((WINDOW_TIMEOUT * 10))); do
  [ -s "$work/display" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb exited: $(cat "$work/xvfb.log")"
  sleep 0.1
done
[ -s "$work/display" ] || fail "Xvfb did not start within ${WINDOW_TIMEOUT}s"
DISPLAY=":$(head -n1 "$work/display")"
export DISPLAY

"${as_user[@]}" env -i HOME="$home" DISPLAY="$DISPLAY" XDG_RUNTIME_DIR="$home/run" \
  LC_ALL=C.UTF-8 PATH=/usr/bin:/bin \
  wireshark -r "$capture" "${uat[@]}" -Y oscore_idu -g 2 \
    -o gui.layout_content_3:NONE -o gui.update.enabled:FALSE \
  >"$work/wireshark.log" 2>&1 &
ws_pid=$!

# The main window's title is the capture's file name once the capture is open.
window=""
for _ in $(seq 1 $((WINDOW_TIMEOUT * 2))); do
  window=$(xdotool search --onlyvisible --name '^californium-kudos' 2>/dev/null | head -n1)
  [ -n "$window" ] && break
  kill -0 "$ws_pid" 2>/dev/null || fail "wireshark exited: $(cat "$work/wireshark.log")"
  sleep 0.5
done
[ -n "$window" ] || fail "no wireshark window within ${WINDOW_TIMEOUT}s"
sleep 3  # dissection of the selected frame and the first paint

# Focus the packet details (a click on their empty lower part), go to the last top-level
# item, which is the postdissector's "OSCORE ID Update", and expand all its subtrees.
xdotool windowmove "$window" 0 0 windowsize "$window" "$WIDTH" "$HEIGHT"
sleep 0.5
xdotool mousemove $((WIDTH / 2)) $((HEIGHT - 40)) click 1
sleep 0.5
xdotool key Left
sleep 0.3
xdotool key End
sleep 0.3
xdotool key shift+Right
sleep 1

xwd -root -silent -display "$DISPLAY" | convert xwd:- "$shot" || fail "screenshot failed"
kill -0 "$ws_pid" 2>/dev/null || fail "wireshark exited before the screenshot: $(cat "$work/wireshark.log")"
if grep -qi 'oscore_idu' "$work/wireshark.log"; then
  fail "wireshark reported a plugin problem: $(grep -i oscore_idu "$work/wireshark.log")"
fi

[ -f "$shot" ] || fail "no screenshot at $shot"
size=$(stat -c %s "$shot")
colours=$(convert "$shot" -format %k info:)
echo "screenshot $shot: $size bytes, $colours colours"
[ "$size" -gt 20000 ] || fail "screenshot is only $size bytes"
[ "$colours" -gt 50 ] || fail "screenshot has only $colours colours"

# Statistics > OSCORE ID Update procedures: OCR finds the entry in the open menu (the word
# "procedures" after "OSCORE" on one line; OCR joins the menu with the text behind it), a click opens the text window, whose title is the
# same; OCR then reads the procedure row of the capture (kudos, client, success, frames 2-5).
menu_shot=$work/statistics-menu.png
table_shot=$work/procedures-window.png
xdotool key Escape
sleep 0.3
xdotool key alt+s
sleep 1.5
xwd -root -silent -display "$DISPLAY" | convert xwd:- "$menu_shot" || fail "menu screenshot failed"
entry=$(tesseract "$menu_shot" - tsv 2>/dev/null | awk -F'\t' '
  $1 == 5 { key = $3 "." $4 "." $5
            if ($12 ~ /OSCORE/) seen[key] = 1
            else if ($12 ~ /^procedures/ && seen[key]) print $7 + int($9 / 2), $8 + int($10 / 2) }' \
  | head -n1)
[ -n "$entry" ] || fail "no 'OSCORE ID Update procedures' entry in the Statistics menu (see $menu_shot)"
xdotool mousemove ${entry% *} ${entry#* } click 1
table_window=""
for _ in $(seq 1 $((WINDOW_TIMEOUT * 2))); do
  table_window=$(xdotool search --onlyvisible --name 'OSCORE ID Update procedures' 2>/dev/null | head -n1)
  [ -n "$table_window" ] && break
  sleep 0.5
done
[ -n "$table_window" ] || fail "Statistics > OSCORE ID Update procedures opened no window"
xdotool windowmove "$table_window" 0 0 windowsize "$table_window" 1100 500
sleep 1
xwd -root -silent -display "$DISPLAY" | convert xwd:- "$table_shot" || fail "window screenshot failed"
table_text=$(convert "$table_shot" -crop 1100x500+0+0 +repage -resize 200% png:- | tesseract - - 2>/dev/null)
for word in kudos client success 2-5; do
  case "$table_text" in
    *"$word"*) ;;
    *) fail "the procedures window does not read '$word' (see $table_shot); OCR read: $table_text" ;;
  esac
done
echo "procedures window: read the KUDOS procedure (screenshot $table_shot)"

if [ -n "$screenshot" ]; then
  mkdir -p "$(dirname "$screenshot")" || fail "cannot create the folder of $screenshot"
  cp "$shot" "$screenshot" || fail "cannot write $screenshot"
  cp "$table_shot" "${screenshot%.png}-procedures.png" || fail "cannot write ${screenshot%.png}-procedures.png"
  echo "copied to $screenshot and ${screenshot%.png}-procedures.png"
fi
echo "PASS"
