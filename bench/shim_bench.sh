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

# One line of requests/s per run of the legacy pipeline.
rate() { "$@" | sed -n 's/.*throughput \([0-9.]*\) req\/s.*/\1/p'; }

pipeline() {
  local host_us=$1 model=$2 device_us=$3 requests=$4
  local args=(--host-us "$host_us" --model "$bin/models/$model.neff" --requests "$requests" --slots 2)
  local ideal tmp
  ideal=$(awk -v h="$host_us" -v d="$device_us" 'BEGIN {printf "%.3f", (h + d) / (h > d ? h : d)}')
  tmp=$(mktemp -d)
  echo
  echo "## legacy pipeline: H = $host_us us host work, D = $device_us us device time, $requests requests, 2 slots"
  echo "## ideal speed-up over synchronous (H + D) / max(H, D) = $ideal"
  # Interleaved (every configuration once per round) so that a change of machine load hits all alike.
  for _ in $(seq "$reps"); do
    rate "$bin/bench_legacy_pipeline" "${args[@]}" >>"$tmp/sync"
    for n in 1 2 3 8; do
      NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=$n LD_PRELOAD=$shim rate "$bin/bench_legacy_pipeline" "${args[@]}" \
        >>"$tmp/shim$n"
    done
    rate "$bin/bench_legacy_pipeline" "${args[@]}" --mode nrta >>"$tmp/nrta"
  done
  local sync nrta
  sync=$(median <"$tmp/sync")
  nrta=$(median <"$tmp/nrta")
  printf "%-28s %12s %12s %14s %12s\n" "run (median of $reps)" "req/s" "vs sync" "vs ideal" "vs nrta_*"
  row() {
    awk -v n="$1" -v t="$2" -v s="$sync" -v i="$ideal" -v a="$nrta" \
      'BEGIN {printf "%-28s %12.1f %11.3fx %13.1f%% %11.1f%%\n", n, t, t / s, 100 * (t / s) / i, 100 * t / a}'
  }
  row "synchronous (no shim)" "$sync"
  for n in 1 2 3 8; do row "shim N=$n" "$(median <"$tmp/shim$n")"; done
  row "hand-written nrta_*" "$nrta"
  rm -rf "$tmp"
}

# Milliseconds, not microseconds: on a shared 2-core machine a thread's wake-up can take a millisecond or
# more, which would swamp a 1 ms stage.
pipeline 5000 bench_legacy_5000us 5000 60
pipeline 2500 bench_legacy_5000us 5000 60
pipeline 5000 bench_legacy_2500us 2500 60

echo
echo "## per-call cost: CPU ns per call, median of $reps repetitions (exported name - libnrt's own definition)"
gb=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true --benchmark_min_time=0.2)
# calls: "<read cost> <write cost>", each exported - direct, from the CPU-time medians.
calls() {
  # The project's reporter colours its output whatever --benchmark_color says: strip the escapes.
  "$bin/bench_shim_calls" "${gb[@]}" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk '$1 ~ /_median$/ {t[$1] = $4}
    END {printf "%.1f %.1f %.1f %.1f\n", t["BM_TensorRead4B_median"] - t["BM_TensorRead4B_Direct_median"],
         t["BM_TensorWrite4B_median"] - t["BM_TensorWrite4B_Direct_median"],
         t["BM_TensorRead4B_Direct_median"], t["BM_TensorWrite4B_Direct_median"]}'
}
printf "%-44s %22s %22s\n" "configuration" "nrt_tensor_read +ns" "nrt_tensor_write +ns"
show() { read -r r w dr dw; printf "%-44s %12s (of %5s) %12s (of %5s)\n" "$1" "$r" "$dr" "$w" "$dw"; }
calls | show "no shim (control)"
LD_PRELOAD=$shim calls | show "shim, variable unset: forwarding"
NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=3 LD_PRELOAD=$shim calls | show "shim, N=3, nothing pending: fence check"
echo "(goals: forwarding <= 50 ns; fence check on nrt_tensor_read <= 100 ns; 'of' = the call's own cost)"
