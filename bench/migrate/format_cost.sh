#!/usr/bin/env bash
# What formatting the edited lines costs: N translation units, each with one nrt_execute (so every file changes),
# migrated with `--diff -j 2` (the diff to /dev/null) with a .clang-format above them and without one (the tool's own layout), 3
# alternating runs each; prints the median wall times and their ratio. One clang-format process runs per changed
# file, so the cost grows with the files changed, not with the files scanned (--check runs none).
#   bench/migrate/format_cost.sh <nrt-migrate> <include dir> [N]
set -euo pipefail
tool=$(realpath "$1") inc=$(realpath "$2") n=${3:-50}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
for ((i = 0; i < n; ++i)); do
  printf '#include "nrt/nrt.h"\n\nNRT_STATUS run_%d(nrt_model_t *m, %s) {\n  return nrt_execute(m, in, out);\n}\n' \
    "$i" 'nrt_tensor_set_t *in, nrt_tensor_set_t *out' >"$w/tu$i.c"
done
for run in 1 2 3; do
  for mode in plain styled; do
    rm -f "$w/.clang-format"
    [[ $mode == plain ]] || printf 'BasedOnStyle: Google\n' >"$w/.clang-format"
    start=$(date +%s.%N)
    (cd "$w" && "$tool" --diff -j 2 . -- -I"$inc" >/dev/null 2>&1)
    awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.3f\n", a - b }' >>"$w/$mode.time"
  done
done
median() { sort -n "$1" | sed -n 2p; }
p=$(median "$w/plain.time") s=$(median "$w/styled.time")
echo "$n changed files, --diff -j 2: no .clang-format ${p} s, with .clang-format ${s} s"
awk -v a="$s" -v b="$p" -v n="$n" 'BEGIN { printf "formatting: %.2fx, %.0f ms per changed file\n", a / b, (a - b) * 1000 / n }'
