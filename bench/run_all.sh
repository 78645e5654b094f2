#!/bin/sh
# Runs every nrt-bridge benchmark once, in sequence, and keeps the outputs.
# Usage: bench/run_all.sh <build dir> [output dir]     (build first: ninja -C <build dir> benchmarks)
# Google Benchmark programs run 5 repetitions and report mean/median/stddev/cv aggregates.
set -eu
build=${1:?usage: run_all.sh <build dir> [output dir]}
out=${2:-$build/bench-results}
bin=$build/bench
mkdir -p "$out"
reps="--benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2"

run() {
  name=$1
  shift
  echo "== $name $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/$name.txt"
  "$bin/$name" "$@" 2>&1 | tee -a "$out/$name.txt"
}

# Most load-sensitive first (see README: a busy second vCPU changes latency/throughput by ~100x).
run bench_hot_paths 7
run bench_execute_latency $reps
run bench_schedule $reps
run bench_throughput $reps
run bench_completion_latency $reps
run bench_pipeline_overlap 200
run bench_timing_model
run bench_matmul $reps
run bench_tensor_bandwidth $reps
# The implicit-async shim (issue 7): legacy pipeline sync / shim / nrta_*, and the shim's per-call costs.
if [ -f "$build/shim/libnrt-implicit-async.so" ]; then
  echo "== shim_bench.sh (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/shim_bench.txt"
  "$(dirname "$0")/shim_bench.sh" "$build" 2>&1 | tee -a "$out/shim_bench.txt"
fi
echo "outputs in $out"
