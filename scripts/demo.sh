#!/usr/bin/env bash
# Installs dependencies, builds, and runs the demo: build a CPU NEFF with nrt-neff, inspect it, and
# run it through nrt-run, which prints the outputs the simulated device computed. Then the same legacy
# implicit-mode binary (samples/legacy/pipeline.c) runs without and with the implicit-async shim, and
# nrt-trace compares the two runs' traces.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNRTB_BUILD_BENCH=OFF
cmake --build build --target nrt-neff nrt-run nrt-trace nrt_implicit_async nrt-implicit-async legacy-pipeline

echo "== nrt-neff build samples/models/mlp.json -o build/demo/mlp.neff"
mkdir -p build/demo
build/tools/nrt-neff/nrt-neff build samples/models/mlp.json -o build/demo/mlp.neff
echo "== nrt-neff inspect build/demo/mlp.neff"
build/tools/nrt-neff/nrt-neff inspect build/demo/mlp.neff
echo "== nrt-run build/demo/mlp.neff"
build/samples/sync/nrt-run build/demo/mlp.neff

# A legacy pipeline: 1 ms of host work per request, a model with 1 ms of device time, 2 slots.
legacy=(build/samples/legacy/legacy-pipeline --iterations 100 --slots 2 --host-us 1000)
export NRT_SIM_EXEC_TIME_US=1000
unset NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS

# run NAME CMD...: runs CMD with a trace in build/demo/NAME.json; prints its output and wall time.
run() {
  local name=$1
  shift
  local start end
  start=$(date +%s%N)
  NRT_SIM_TRACE=build/demo/$name.json "$@"
  end=$(date +%s%N)
  echo "$(((end - start) / 1000000))" >"build/demo/$name.ms"
}
echo "== a legacy implicit-mode binary as it runs today (synchronously): ${legacy[*]}"
run legacy-sync "${legacy[@]}"
echo "== the same binary under the shim: build/shim/launcher/nrt-implicit-async --max-inflight 3 -- ${legacy[*]}"
run legacy-shim build/shim/launcher/nrt-implicit-async --max-inflight 3 -- "${legacy[@]}"

trace=build/tools/nrt-trace/nrt-trace
echo "== nrt-trace summary build/demo/legacy-shim.json"
$trace summary build/demo/legacy-shim.json
# field FILE: "<overlap %> <max in flight> <mean in flight>" from a summary table.
field() {
  $trace summary "$1" | awk '/of device-busy time/ {o = $(NF-4)} /requests in flight/ {m = $5; sub(",", "", m); a = $7}
    END {print o, m, a}'
}
read -r sync_overlap sync_max sync_mean < <(field build/demo/legacy-sync.json)
read -r shim_overlap shim_max shim_mean < <(field build/demo/legacy-shim.json)
sync_ms=$(cat build/demo/legacy-sync.ms) shim_ms=$(cat build/demo/legacy-shim.ms)
echo "== without vs with the shim (same binary, same digest)"
printf "%-22s %10s %12s %16s %16s\n" "" "wall ms" "overlap %" "max in flight" "mean in flight"
printf "%-22s %10s %12s %16s %16s\n" "without the shim" "$sync_ms" "$sync_overlap" "$sync_max" "$sync_mean"
printf "%-22s %10s %12s %16s %16s\n" "with the shim (N=3)" "$shim_ms" "$shim_overlap" "$shim_max" "$shim_mean"
awk -v a="$sync_ms" -v b="$shim_ms" 'BEGIN {if (b > 0) printf "speed-up %.2fx (ideal for 1 ms host + 1 ms device: 2x)\n", a / b}'
$trace svg -o build/demo/legacy-sync.svg build/demo/legacy-sync.json
$trace svg -o build/demo/legacy-shim.svg build/demo/legacy-shim.json
echo "timelines: build/demo/legacy-sync.svg build/demo/legacy-shim.svg (open in a browser)"
