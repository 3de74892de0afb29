#!/usr/bin/env bash
# The benchmark of issue 6: one large simulated capture, measured by
#   (a) oscore-idu analyze (all keys given), full JSON and --no-messages;
#   (b) tshark with its built-in OSCORE decryption (key table `oscore_contexts`);
#   (c) tshark with the oscore_idu plugin (preference oscore_idu.key_file);
#   (d) the physical limit: libpcap reading alone, AES-CCM-16-64-128 alone, and both, under
#       one key and under one key per context (as many keys as the key file has records);
# then the ratios against the targets. Not a ctest test: timings depend on the machine.
#
# Usage: tests/bench/run.sh BUILD_DIR [PAIRS] [MESSAGES]     (defaults 10000 1000000)
# BUILD_DIR holds bin/oscore-idu, bin/bench_limit and plugin/oscore_idu.so.
# Environment:
#   OIDU_BENCH_DIR        work directory, kept afterwards (default: a temporary one, removed)
#   OIDU_BENCH_TSHARK_MAX seconds a full-file tshark run may take (default 600); beyond that
#                         tshark is measured on the first OIDU_BENCH_PREFIX frames (default 100000)
#   OIDU_BENCH_ANALYZE_ARGS extra arguments for oscore-idu analyze (e.g. "--jobs 2")
#   OIDU_BENCH_REPEAT     runs of each measurement, the fastest counts (default 3): a shared
#                         or virtual machine slows single runs down by up to half
# Exit status: 0 all targets met, 3 a target missed, 1 the benchmark itself failed.
set -euo pipefail

die() { echo "bench: $*" >&2; exit 1; }

[[ $# -ge 1 && $# -le 3 ]] || die "usage: $0 BUILD_DIR [PAIRS] [MESSAGES]"
BUILD=$(cd "$1" && pwd) || die "no build directory $1"
PAIRS=${2:-10000}
MESSAGES=${3:-1000000}
TSHARK_MAX=${OIDU_BENCH_TSHARK_MAX:-600}
PREFIX_FRAMES=${OIDU_BENCH_PREFIX:-100000}
REPEAT=${OIDU_BENCH_REPEAT:-3}
CLI=$BUILD/bin/oscore-idu
LIMIT=$BUILD/bin/bench_limit
PLUGIN=$BUILD/plugin/oscore_idu.so
TEST_USER=oidu-test

for tool in "$CLI" "$LIMIT"; do [[ -x $tool ]] || die "$tool is missing: build it first (make build)"; done
for tool in tshark editcap /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[[ -f $PLUGIN ]] || echo "bench: $PLUGIN is missing: tshark with the plugin is skipped" >&2

if [[ -n ${OIDU_BENCH_DIR:-} ]]; then
  WORK=$OIDU_BENCH_DIR
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d -t oidu-bench.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(cd "$WORK" && pwd)
chmod 755 "$WORK"  # tshark runs as the unprivileged test user and reads the capture here
CAPTURE=$WORK/bench.pcapng
KEYS=$WORK/bench.oscore_contexts

# --- helpers ----------------------------------------------------------------------------

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%s\", $* }"; }

# measure NAME CMD...: runs CMD with stdout to $WORK/NAME.out; sets WALL (s), RSS (KiB) and
# CPU (percent of one core it got: well below 100 for a single-threaded run means the
# machine was busy and the figure is pessimistic).
measure() {
  local name=$1; shift
  local start end
  start=$(now)
  if ! /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    echo "bench: $name failed: $*" >&2
    tail -5 "$WORK/$name.err" >&2
    return 1
  fi
  end=$(now)
  WALL=$(calc "$end - $start")
  RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$name.time")
  CPU=$(awk -F': ' '/Percent of CPU/ { sub("%", "", $2); print $2 }' "$WORK/$name.time")
}

# best NAME CMD...: measure, REPEAT times; keeps the fastest run's WALL and CPU and the
# largest RSS (a slow run is the machine's noise; a large one is ours).
best() {
  local name=$1; shift
  local best_wall="" best_cpu="" max_rss=0 run
  for ((run = 1; run <= REPEAT; run++)); do
    measure "$name" "$@" || return 1
    if [[ -z $best_wall || $(calc "($WALL < $best_wall) ? 1 : 0") -eq 1 ]]; then best_wall=$WALL best_cpu=$CPU; fi
    [[ $RSS -le $max_rss ]] || max_rss=$RSS
  done
  WALL=$best_wall CPU=$best_cpu RSS=$max_rss
}

# Wireshark ignores personal settings and plugins when run as root, so tshark runs as
# the system user the test suites use, with a HOME of its own: as_user HOME CMD...
user_prefix() {
  if [[ $(id -u) -eq 0 ]]; then
    USER_PREFIX=(setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --init-groups env HOME="$1" LC_ALL=C.UTF-8)
  else
    USER_PREFIX=(env HOME="$1" LC_ALL=C.UTF-8)
  fi
}
as_user() { user_prefix "$1"; shift; "${USER_PREFIX[@]}" "$@"; }

ensure_test_user() {
  [[ $(id -u) -eq 0 ]] || return 0
  id -u "$TEST_USER" >/dev/null 2>&1 && return 0
  command -v setpriv >/dev/null || die "running as root and setpriv (util-linux) is missing"
  local rc=0
  useradd --system --no-create-home --shell /usr/sbin/nologin "$TEST_USER" || rc=$?
  [[ $rc -eq 0 || $rc -eq 9 ]] || die "useradd $TEST_USER failed"  # 9: created meanwhile
}

# new_home DIR: an empty HOME owned by the test user.
new_home() {
  rm -rf "$1"
  mkdir -p "$1"
  [[ $(id -u) -ne 0 ]] || chown "$TEST_USER:" "$1"
}

# tshark_run NAME HOME CAPTURE FIELD MATCH [OPTIONS...]: one single-pass tshark over CAPTURE
# printing FIELD; sets WALL, RSS, FRAMES (output lines) and HITS (lines matching MATCH).
tshark_run() {
  local name=$1 home=$2 capture=$3 field=$4 match=$5; shift 5
  user_prefix "$home"
  best "$name" "${USER_PREFIX[@]}" tshark -r "$capture" -T fields -e "$field" "$@" || return 1
  FRAMES=$(wc -l <"$WORK/$name.out")
  HITS=$(grep -c -- "$match" "$WORK/$name.out" || true)
}

fmt_rate() { calc "sprintf(\"%.0f\", $1)"; }
mib() { calc "sprintf(\"%.1f\", $1 / 1024)"; }

# --- the capture --------------------------------------------------------------------------

echo "== generating $MESSAGES messages over $PAIRS pairs in $CAPTURE"
"$CLI" simulate --scale --pairs "$PAIRS" --messages "$MESSAGES" -o "$CAPTURE"
[[ -f $KEYS ]] || die "simulate wrote no $KEYS"
chmod 644 "$CAPTURE" "$KEYS"
echo "   $(du -h "$CAPTURE" | cut -f1), $(grep -vc '^\s*\(#\|$\)' "$KEYS") key records"

# --- (d) the physical limit (first: it also warms the page cache) -------------------------

CONTEXTS=$(grep -vc '^\s*\(#\|$\)' "$KEYS")
echo "== (d) libpcap read + AES-CCM-16-64-128 under 1 and $CONTEXTS keys (bench_limit, best of $REPEAT)"
measure limit "$LIMIT" "$CAPTURE" "$REPEAT" "$CONTEXTS" || die "bench_limit failed"
L_RSS=$RSS L_CPU=$CPU
val() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/limit.out"; }
N=$(val udp)
CIPHERTEXTS=$(val ciphertexts)
READ_S=$(val read_s); CRYPTO_S=$(val crypto_s); BOTH_S=$(val read_crypto_s)
CRYPTO_KEYS_S=$(val crypto_keys_s); BOTH_KEYS_S=$(val read_crypto_keys_s)
echo "   $(val frames) frames, $N UDP datagrams, $CIPHERTEXTS OSCORE ciphertexts of $(val distinct_sizes) sizes"

# --- (a) the analyzer ---------------------------------------------------------------------

# shellcheck disable=SC2206
EXTRA=(${OIDU_BENCH_ANALYZE_ARGS:-})
echo "== (a) oscore-idu analyze --format json ${EXTRA[*]} (best of $REPEAT, as every measurement)"
best analyze "$CLI" analyze --format json --fail-on never "${EXTRA[@]}" --keys "$KEYS" "$CAPTURE" \
  || die "analyze failed"
A_WALL=$WALL A_RSS=$RSS A_CPU=$CPU
A_BYTES=$(stat -c %s "$WORK/analyze.out")
A_SUM=$(sha256sum <"$WORK/analyze.out")
rm -f "$WORK/analyze.out"  # hundreds of MB: only its size and digest matter
CORES=$(nproc)
if [[ $CORES -gt 1 ]]; then
  echo "== (a) oscore-idu analyze --format json --jobs $CORES ${EXTRA[*]}"
  best analyze-jobs "$CLI" analyze --format json --fail-on never --jobs "$CORES" "${EXTRA[@]}" --keys "$KEYS" \
    "$CAPTURE" || die "analyze --jobs failed"
  AJ_WALL=$WALL AJ_RSS=$RSS AJ_CPU=$CPU
  [[ $(sha256sum <"$WORK/analyze-jobs.out") == "$A_SUM" ]] || die "--jobs $CORES changed the output"
  rm -f "$WORK/analyze-jobs.out"
fi
best analyze-nomsg "$CLI" analyze --format json --fail-on never --no-messages "${EXTRA[@]}" --keys "$KEYS" \
  "$CAPTURE" || die "analyze --no-messages failed"
AN_WALL=$WALL AN_RSS=$RSS AN_CPU=$CPU
A_SUMMARY=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["summary"]))' \
  "$WORK/analyze-nomsg.out")
echo "   summary: $A_SUMMARY"

# --- (b) and (c) tshark -------------------------------------------------------------------

ensure_test_user
HOME_BUILTIN=$WORK/home-builtin
HOME_PLUGIN=$WORK/home-plugin
new_home "$HOME_BUILTIN"
as_user "$HOME_BUILTIN" mkdir -p "$HOME_BUILTIN/.config/wireshark"
as_user "$HOME_BUILTIN" cp "$KEYS" "$HOME_BUILTIN/.config/wireshark/oscore_contexts"
HAVE_PLUGIN=0
if [[ -f $PLUGIN ]]; then
  HAVE_PLUGIN=1
  chmod 644 "$PLUGIN" 2>/dev/null || true
  new_home "$HOME_PLUGIN"
  plugdir=$(as_user "$HOME_PLUGIN" tshark -G folders | awk -F':[ \t]*' '/^Personal Plugins/ { print $2 }')
  [[ -n $plugdir ]] || die "tshark -G folders names no personal plugin folder"
  as_user "$HOME_PLUGIN" mkdir -p "$plugdir/epan"
  as_user "$HOME_PLUGIN" cp "$PLUGIN" "$plugdir/epan/oscore_idu.so"
  as_user "$HOME_PLUGIN" tshark -G plugins | grep -q '^oscore_idu\.so' || die "tshark does not load $PLUGIN"
fi

# Both tshark variants: the built-in dissector with its key table, and the plugin with
# the same keys through its key_file preference (the built-in then finds no keys).
builtin_run() { tshark_run "$1" "$HOME_BUILTIN" "$2" oscore.code '.'; }
plugin_run() { tshark_run "$1" "$HOME_PLUGIN" "$2" oscore_idu.status '^decrypted$' -o "oscore_idu.key_file:$KEYS"; }

echo "== (b, c) tshark $(tshark --version 2>/dev/null | awk 'NR==1 { print $3 }') on the first $PREFIX_FRAMES frames (to size the full runs)"
editcap -r "$CAPTURE" "$WORK/prefix.pcapng" "1-$PREFIX_FRAMES"
chmod 644 "$WORK/prefix.pcapng"
builtin_run tshark-builtin-prefix "$WORK/prefix.pcapng" || die "tshark failed"
B_WALL=$WALL B_RSS=$RSS B_CPU=$CPU B_FRAMES=$FRAMES B_HITS=$HITS
ESTIMATE=$(calc "sprintf(\"%.0f\", $WALL * $N / $FRAMES)")
echo "   built-in: $B_FRAMES frames in $(calc "sprintf(\"%.1f\", $WALL)") s, $B_HITS decrypted"
if [[ $HAVE_PLUGIN -eq 1 ]]; then
  plugin_run tshark-plugin-prefix "$WORK/prefix.pcapng" || die "tshark with the plugin failed"
  P_WALL=$WALL P_RSS=$RSS P_CPU=$CPU P_FRAMES=$FRAMES P_HITS=$HITS
  echo "   plugin:   $P_FRAMES frames in $(calc "sprintf(\"%.1f\", $WALL)") s, $P_HITS decrypted"
  ESTIMATE=$(calc "sprintf(\"%.0f\", ($ESTIMATE > $WALL * $N / $FRAMES) ? $ESTIMATE : $WALL * $N / $FRAMES)")
fi
TSHARK_SCOPE="first $B_FRAMES frames (editcap -r FILE prefix.pcapng 1-$PREFIX_FRAMES)"
if [[ $N -le $PREFIX_FRAMES ]]; then
  TSHARK_SCOPE="whole file"
elif [[ $ESTIMATE -le $TSHARK_MAX ]]; then
  echo "== (b, c) tshark on the whole file (estimated ${ESTIMATE} s per run)"
  builtin_run tshark-builtin "$CAPTURE" || die "tshark failed"
  B_WALL=$WALL B_RSS=$RSS B_CPU=$CPU B_FRAMES=$FRAMES B_HITS=$HITS
  if [[ $HAVE_PLUGIN -eq 1 ]]; then
    plugin_run tshark-plugin "$CAPTURE" || die "tshark with the plugin failed"
    P_WALL=$WALL P_RSS=$RSS P_CPU=$CPU P_FRAMES=$FRAMES P_HITS=$HITS
  fi
  TSHARK_SCOPE="whole file"
else
  echo "== (b, c) tshark on the whole file would take about ${ESTIMATE} s per run (> ${TSHARK_MAX} s): prefix figures are used"
fi

# --- the table ----------------------------------------------------------------------------

A_RATE=$(calc "$N / $A_WALL")
AN_RATE=$(calc "$N / $AN_WALL")
BEST_RATE=$A_RATE BEST_RUN="--jobs 1"
if [[ $CORES -gt 1 ]]; then
  AJ_RATE=$(calc "$N / $AJ_WALL")
  if [[ $(calc "($AJ_RATE > $A_RATE) ? 1 : 0") -eq 1 ]]; then BEST_RATE=$AJ_RATE BEST_RUN="--jobs $CORES"; fi
fi
B_RATE=$(calc "$B_FRAMES / $B_WALL")
READ_RATE=$(calc "$N / $READ_S")
CRYPTO_RATE=$(calc "$CIPHERTEXTS / $CRYPTO_S")
BOTH_RATE=$(calc "$N / $BOTH_S")
CRYPTO_KEYS_RATE=$(calc "$CIPHERTEXTS / $CRYPTO_KEYS_S")
BOTH_KEYS_RATE=$(calc "$N / $BOTH_KEYS_S")

echo
echo "Machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); tshark messages over the $TSHARK_SCOPE"
echo
printf '| %-48s | %10s | %10s | %4s | %-28s |\n' "measurement" "messages/s" "peak RSS" "CPU" "note"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})" \
  "$(printf -- '-%.0s' {1..6})" "$(printf -- '-%.0s' {1..30})"
row() { printf '| %-48s | %10s | %10s | %4s | %-28s |\n' "$1" "$(fmt_rate "$2")" "$3" "$4" "$5"; }
row "oscore-idu analyze --format json" "$A_RATE" "$(mib "$A_RSS") MiB" "$A_CPU%" \
  "$(calc "sprintf(\"%.2f s, %.0f MB out\", $A_WALL, $A_BYTES / 1e6)")"
if [[ $CORES -gt 1 ]]; then
  row "oscore-idu analyze --format json --jobs $CORES" "$AJ_RATE" "$(mib "$AJ_RSS") MiB" "$AJ_CPU%" \
    "$(calc "sprintf(\"%.2f s, same bytes\", $AJ_WALL)")"
fi
row "oscore-idu analyze --format json --no-messages" "$AN_RATE" "$(mib "$AN_RSS") MiB" "$AN_CPU%" \
  "$(calc "sprintf(\"%.2f s\", $AN_WALL)")"
row "tshark, built-in OSCORE (-e oscore.code)" "$B_RATE" "$(mib "$B_RSS") MiB" "$B_CPU%" "$B_HITS of $B_FRAMES decrypted"
if [[ $HAVE_PLUGIN -eq 1 ]]; then
  P_RATE=$(calc "$P_FRAMES / $P_WALL")
  row "tshark, oscore_idu plugin (-e oscore_idu.status)" "$P_RATE" "$(mib "$P_RSS") MiB" "$P_CPU%" \
    "$P_HITS of $P_FRAMES decrypted"
fi
row "limit: libpcap read (pcap_next_ex + decode)" "$READ_RATE" "" "" "$(calc "sprintf(\"%.3f s\", $READ_S)")"
row "limit: AES-CCM-16-64-128 open, same sizes" "$CRYPTO_RATE" "" "" "$(calc "sprintf(\"%.3f s\", $CRYPTO_S)")"
row "limit: libpcap read + AES-CCM open" "$BOTH_RATE" "" "" "$(calc "sprintf(\"%.3f s\", $BOTH_S)")"
row "limit: AES-CCM open, one key per context" "$CRYPTO_KEYS_RATE" "" "" \
  "$(calc "sprintf(\"%.3f s, %d keys\", $CRYPTO_KEYS_S, $CONTEXTS)")"
row "limit: libpcap read + AES-CCM, key per context" "$BOTH_KEYS_RATE" "$(mib "$L_RSS") MiB" "$L_CPU%" \
  "$(calc "sprintf(\"%.3f s\", $BOTH_KEYS_S)")"
echo "tshark's built-in OSCORE knows only the key table's contexts, not those derived by ID update or KUDOS."
echo

MISSED=0
target() {  # target NAME VALUE OP BOUND
  local ok
  ok=$(calc "($2 $3 $4) ? \"met\" : \"MISSED\"")
  [[ $ok == met ]] || MISSED=1
  printf '%-58s %10s  (target %s %s)  %s\n' "$1" "$(calc "sprintf(\"%.2f\", $2)")" "$3" "$4" "$ok"
}
echo "analyzer: the faster of --jobs 1 and --jobs $CORES ($BEST_RUN)"
target "analyzer / tshark built-in (messages/s)" "$(calc "$BEST_RATE / $B_RATE")" ">=" 30
# The limit of decrypting this file: its messages are protected under one key per
# context, and with thousands of contexts the key schedules do not stay in the caches.
# The one-key figure, where they do, is printed for comparison.
target "analyzer / (libpcap read + AES-CCM, key per context)" "$(calc "$BEST_RATE / $BOTH_KEYS_RATE")" ">=" 0.5
printf '%-58s %10s\n' "analyzer / (libpcap read + AES-CCM, one key)" "$(calc "sprintf(\"%.2f\", $BEST_RATE / $BOTH_RATE)")"
PEAK_RSS=$A_RSS
[[ $CORES -le 1 || $AJ_RSS -le $A_RSS ]] || PEAK_RSS=$AJ_RSS
target "analyzer peak RSS (MiB)" "$(calc "$PEAK_RSS / 1024")" "<" 100
if [[ $HAVE_PLUGIN -eq 1 ]]; then
  target "tshark+plugin time / tshark built-in time (same frames)" "$(calc "($P_WALL / $P_FRAMES) / ($B_WALL / $B_FRAMES)")" "<=" 1.3
fi
[[ $B_HITS -gt 0 ]] || echo "bench: warning: tshark's built-in OSCORE decrypted nothing: check the key table" >&2
[[ $HAVE_PLUGIN -eq 0 || $P_HITS -gt 0 ]] || echo "bench: warning: the plugin decrypted nothing" >&2
exit $((MISSED ? 3 : 0))
