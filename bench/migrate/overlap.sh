#!/usr/bin/env bash
# Overlap kept by a migration: builds bench/migrate/legacy_pipeline.c as is and as nrt-migrate rewrites it,
# runs both on pipeline_block.neff (1 ms of device time per execution, ~1 ms of host work per iteration) and
# prints the median wall times of 5 alternating runs and their ratio. The outputs (checksums) must be byte-identical.
#   bench/migrate/overlap.sh <build dir> [host-work spins]
set -euo pipefail
build=$(cd "$1" && pwd)
spins=${2:-1000000}
src=$(cd "$(dirname "$0")" && pwd)
inc=$src/../../include
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp "$src/legacy_pipeline.c" "$w/"
(cd "$w" && "$build/migrate-tool/nrt-migrate" --in-root "$w" --out-root "$w/out" legacy_pipeline.c -- -I"$inc")
cc -O2 -std=gnu11 -I"$inc" "$w/legacy_pipeline.c" -L"$build/runtime" -Wl,-rpath,"$build/runtime" -lnrt -o "$w/legacy"
cc -O2 -std=gnu11 -I"$inc" "$w/out/legacy_pipeline.c" -L"$build/runtime" -Wl,-rpath,"$build/runtime" -lnrt -o "$w/migrated"
model=$build/models/pipeline_block.neff
for run in 1 2 3 4 5; do
  "$w/legacy" "$model" "$spins" >"$w/legacy.out" 2>>"$w/legacy.time"
  "$w/migrated" "$model" "$spins" >"$w/migrated.out" 2>>"$w/migrated.time"
  cmp "$w/legacy.out" "$w/migrated.out"
done
median() { grep -o 'wall [0-9.]*' "$1" | awk '{print $2}' | sort -n | sed -n 3p; }
l=$(median "$w/legacy.time") m=$(median "$w/migrated.time")
echo "synchronous (legacy source): median wall ${l} s"
echo "migrated (deferred wait):    median wall ${m} s"
echo "speed-up: $(awk -v a="$l" -v b="$m" 'BEGIN { printf "%.2f", a / b }')x (outputs byte-identical)"
