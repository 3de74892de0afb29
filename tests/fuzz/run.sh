#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for N seconds over a fresh copy of
# the seed corpus (UDP payloads, OSCORE options and frames of captures/, key files) plus
# the regression inputs. A crash fails the run, and its input is copied into
# tests/fuzz/regressions/<target>/, which the gcc unit tests replay.
#
#   tests/fuzz/run.sh SECONDS_PER_TARGET
#   OIDU_FUZZ_BUILD_DIR  build tree (default build/fuzz)
#   OIDU_FUZZ_CXX        clang++ to use (default clang++)
#   OIDU_FUZZ_TARGETS    targets to run (default: all)
# Exit status: 0 no crash, 1 crash or build failure, 77 skipped (no clang/libFuzzer).
set -euo pipefail

seconds=${1:?usage: run.sh SECONDS_PER_TARGET}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${OIDU_FUZZ_BUILD_DIR:-$src/build/fuzz}
cxx=${OIDU_FUZZ_CXX:-clang++}
targets=${OIDU_FUZZ_TARGETS:-fuzz_coap fuzz_oscore_option fuzz_keys fuzz_link fuzz_analyzer fuzz_report}

if ! command -v "$cxx" >/dev/null; then
  echo "SKIP: $cxx not found (install clang and libclang-rt-dev for libFuzzer)"
  exit 77
fi
mkdir -p "$build"
probe="$build/libfuzzer-probe"
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    "$cxx" -x c++ -fsanitize=fuzzer,address - -o "$probe" 2>"$probe.log"; then
  echo "SKIP: $cxx cannot link libFuzzer programs (libclang-rt-dev missing?):"
  cat "$probe.log"
  exit 77
fi

echo "== configuring $build"
cmake -S "$src" -B "$build" -DOIDU_FUZZ=ON -DOIDU_PLUGIN=OFF -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 1; }
echo "== building fuzz_seeds $targets"
# shellcheck disable=SC2086
cmake --build "$build" -j"$(nproc)" --target fuzz_seeds $targets >"$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }

seeds="$build/seeds"
rm -rf "$seeds"
mapfile -t captures < <(find "$src/captures" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
"$build/bin/fuzz_seeds" "$seeds" "${captures[@]}"
mkdir -p "$seeds/fuzz_keys"
find "$src/captures" -type f -name '*.oscore_contexts' -exec cp {} "$seeds/fuzz_keys/" \;
cp "$src"/tests/fuzz/seeds/fuzz_keys/* "$seeds/fuzz_keys/"

crashed=0
passed=0
for target in $targets; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  regressions="$src/tests/fuzz/regressions/$target"
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  [ -d "$seeds/$target" ] && cp "$seeds/$target"/. "$corpus/" -r
  [ -d "$regressions" ] && cp "$regressions"/. "$corpus/" -r
  log="$build/$target.log"
  echo "== $target: ${seconds}s over $(find "$corpus" -type f | wc -l) inputs"
  if "$build/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1 || true
  else
    crashed=$((crashed + 1))
    echo "!! $target crashed; log: $log"
    grep -E 'ERROR|SUMMARY|invariant|runtime error' "$log" | head -20 || true
    mkdir -p "$regressions"
    for input in "$artifacts"/*; do
      [ -f "$input" ] || continue
      cp "$input" "$regressions/"
      echo "   regression input: tests/fuzz/regressions/$target/$(basename "$input")"
    done
  fi
done

echo "fuzz: $passed passed, $crashed failed"
[ "$crashed" -eq 0 ]
