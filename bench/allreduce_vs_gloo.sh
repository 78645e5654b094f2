#!/usr/bin/env bash
# All-reduce over loopback processes, ours against Gloo's own benchmark, side by side: for each size, REPS runs
# of `bench_allreduce procs N B ITERS` alternating with `bench_gloo_allreduce N B ITERS` (each run prints the
# median time of its ITERS all-reduces); prints the median over the runs of each and Gloo's time / ours.
#   bench/allreduce_vs_gloo.sh <build>/bench N [REPS [ITERS [SIZES...]]]
# Optional: OURS_LIB=<dir> runs ours against the libnrt.so.1 + libnrt-gloo.so.1 in that directory.
set -euo pipefail
dir=${1:?usage: allreduce_vs_gloo.sh <build>/bench N [REPS [ITERS [SIZES...]]]}
n=${2:?ranks}
reps=${3:-5}
iters=${4:-50}
shift $(($# < 4 ? $# : 4))
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(4096 16384 65536 262144 1048576 4194304)

# The median time (us) one run prints on its last line ("<bytes> B <time> us ...").
one() { "$@" | tail -n 1 | awk '{print $3}'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

printf '%10s %12s %12s %8s   %s\n' bytes "ours (us)" "gloo (us)" gloo/ours "runs: ours | gloo"
for b in "${sizes[@]}"; do
  ours="" gloo=""
  for _ in $(seq "$reps"); do
    ours+=" $(LD_LIBRARY_PATH=${OURS_LIB:-${LD_LIBRARY_PATH:-}} one "$dir/bench_allreduce" procs "$n" "$b" "$iters")"
    gloo+=" $(one "$dir/bench_gloo_allreduce" "$n" "$b" "$iters")"
  done
  mo=$(echo "$ours" | median)
  mg=$(echo "$gloo" | median)
  printf '%10s %12s %12s %7.0f%%   %s |%s\n' "$b" "$mo" "$mg" "$(awk -v g="$mg" -v o="$mo" 'BEGIN {print 100 * g / o}')" "$ours" "$gloo"
done
