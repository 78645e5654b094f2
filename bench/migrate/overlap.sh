#!/usr/bin/env bash
# Overlap kept by a migration: builds bench/migrate/legacy_pipeline.c (one tensor set: write, nrt_execute, host
# work, read) and legacy_slots.c (two rotating slots: the read of iteration i waits for execution i - 2) as they
# are and as nrt-migrate rewrites them (both set the implicit-mode variable: legacy_pipeline becomes an inline
# program, plain nrta_* code; legacy_slots gets the request-table form),
# runs them on pipeline_block.neff (1 ms of device time per execution, ~1 ms of host work per iteration) and
# prints the median wall times of 5 alternating runs and their ratio; with the shim built
# ($build/shim/libnrt-implicit-async.so) the legacy binary also runs under it, for comparison. The outputs
# (checksums) must be byte-identical. Both programs include legacy_bench.h (what they share; no legacy call).
#   bench/migrate/overlap.sh <build dir> [host-work spins]
set -euo pipefail
build=$(cd "$1" && pwd)
spins=${2:-1000000}
src=$(cd "$(dirname "$0")" && pwd)
inc=$src/../../include
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
model=$build/models/pipeline_block.neff
median() { grep -o 'wall [0-9.]*' "$1" | awk '{print $2}' | sort -n | sed -n 3p; }
for prog in legacy_pipeline legacy_slots; do
  mkdir -p "$w/$prog"
  cp "$src/$prog.c" "$src/legacy_bench.h" "$w/$prog/"
  (cd "$w/$prog" && "$build/migrate-tool/nrt-migrate" -q --in-root "$w/$prog" --out-root "$w/$prog/out" "$prog.c" \
    -- -I"$inc")
  cc -O2 -std=gnu11 -I"$inc" -I"$w/$prog" "$w/$prog/$prog.c" -L"$build/runtime" -Wl,-rpath,"$build/runtime" -lnrt \
    -o "$w/$prog/legacy"
  cc -O2 -std=gnu11 -I"$inc" -I"$w/$prog" -I"$w/$prog/out" "$w/$prog/out/$prog.c" -L"$build/runtime" \
    -Wl,-rpath,"$build/runtime" -lnrt -lpthread -o "$w/$prog/migrated"
  shim=$build/shim/libnrt-implicit-async.so
  for run in 1 2 3 4 5; do
    "$w/$prog/legacy" "$model" "$spins" >"$w/$prog/legacy.out" 2>>"$w/$prog/legacy.time"
    "$w/$prog/migrated" "$model" "$spins" >"$w/$prog/migrated.out" 2>>"$w/$prog/migrated.time"
    cmp "$w/$prog/legacy.out" "$w/$prog/migrated.out"
    if [[ -f $shim ]]; then
      LD_PRELOAD=$shim "$w/$prog/legacy" "$model" "$spins" >"$w/$prog/shim.out" 2>>"$w/$prog/shim.time"
      cmp "$w/$prog/legacy.out" "$w/$prog/shim.out"
    fi
  done
  l=$(median "$w/$prog/legacy.time") m=$(median "$w/$prog/migrated.time")
  echo "$prog: synchronous (legacy source) median wall ${l} s, migrated ${m} s:" \
    "$(awk -v a="$l" -v b="$m" 'BEGIN { printf "%.2f", a / b }')x (outputs byte-identical)"
  if [[ -f $shim ]]; then
    s=$(median "$w/$prog/shim.time")
    echo "$prog: legacy binary under the shim ${s} s; migrated speed = $(awk -v a="$s" -v b="$m" \
      'BEGIN { printf "%.0f", 100 * a / b }')% of the shim's"
  fi
done
