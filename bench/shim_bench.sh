#!/usr/bin/env bash
# The implicit-async shim's benchmark (issue 7): the legacy pipeline synchronous, under the shim with
# N = 1, 2, 3, 8, and hand-written with nrta_*; then the shim's per-call costs. Prints medians of
# REPS runs and the ratios the issue sets as goals.
# usage: bench/shim_bench.sh <build dir> [reps]   (build: ninja -C <build dir> benchmarks nrt_implicit_async)
set -euo pipefail
build=${1:?usage: shim_bench.sh <build dir> [reps]}
reps=${2:-5}
bin=$build/bench
shim=$build/shim/libnrt-implicit-async.so
[ -f "$shim" ] || { echo "shim_bench.sh: $shim not built (target nrt_implicit_async)" >&2; exit 1; }
unset NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpus"

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# throughput CMD...: median requests/s of REPS runs of the legacy pipeline.
throughput() {
  for _ in $(seq "$reps"); do
    "$@" | sed -n 's/.*throughput \([0-9.]*\) req\/s.*/\1/p'
  done | median
}

pipeline() {
  local host_us=$1 model=$2 device_us=$3 requests=$4
  local args=(--host-us "$host_us" --model "$bin/models/$model.neff" --requests "$requests" --slots 2)
  local ideal sync nrta
  ideal=$(awk -v h="$host_us" -v d="$device_us" 'BEGIN {printf "%.3f", (h + d) / (h > d ? h : d)}')
  echo
  echo "## legacy pipeline: H = $host_us us host work, D = $device_us us device time, $requests requests, 2 slots"
  echo "## ideal speed-up over synchronous (H + D) / max(H, D) = $ideal"
  sync=$(throughput "$bin/bench_legacy_pipeline" "${args[@]}")
  nrta=$(throughput "$bin/bench_legacy_pipeline" "${args[@]}" --mode nrta)
  printf "%-28s %12s %12s %14s %12s\n" "run" "req/s" "vs sync" "vs ideal" "vs nrta_*"
  row() {
    awk -v n="$1" -v t="$2" -v s="$sync" -v i="$ideal" -v a="$nrta" \
      'BEGIN {printf "%-28s %12.1f %11.3fx %13.1f%% %11.1f%%\n", n, t, t / s, 100 * (t / s) / i, 100 * t / a}'
  }
  row "synchronous (no shim)" "$sync"
  for n in 1 2 3 8; do
    row "shim N=$n" "$(NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=$n LD_PRELOAD=$shim \
      throughput "$bin/bench_legacy_pipeline" "${args[@]}")"
  done
  row "hand-written nrta_*" "$nrta"
}

pipeline 1000 bench_sleep_1000us 1000 200
pipeline 200 bench_sleep_1000us 1000 200
pipeline 1000 bench_sleep_200us 200 400

echo
echo "## per-call cost (Google Benchmark, median of $reps repetitions, ns)"
gb=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true --benchmark_min_time=0.2)
calls() { "$bin/bench_shim_calls" "${gb[@]}" 2>/dev/null | awk '$1 ~ /_median$/ {sub(/_median$/, "", $1); print $1, $2}'; }
plain=$(calls)
forward=$(LD_PRELOAD=$shim calls)
fence=$(NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=3 LD_PRELOAD=$shim calls)
printf "%-20s %10s %16s %16s %12s %12s\n" "call" "plain" "shim, var unset" "shim, N=3 idle" "forwarding" "fence check"
join <(echo "$plain" | sort) <(echo "$forward" | sort) | join - <(echo "$fence" | sort) |
  awk '{printf "%-20s %10.1f %16.1f %16.1f %12.1f %12.1f\n", $1, $2, $3, $4, $3 - $2, $4 - $2}'
echo "(forwarding = shim with the variable unset - plain; fence check = shim with N=3 and nothing pending - plain)"
