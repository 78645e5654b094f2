#!/usr/bin/env bash
# nrt-trace on a shim run: the same legacy binary without the shim shows one request in flight and no
# overlap; under the shim (N=3) it shows two in flight and overlap. No timing assumption: the first
# execution is held (NRT_SIM_FAULTS hold=) until the state the test needs is reached — without the shim,
# until it started (the host is inside nrt_execute); with it, until the shim's trace log shows the second
# nrt_execute returned, i.e. the host scheduled more work while the first was running.
# usage: shim_trace_test.sh NRT_TRACE LEGACY_PIPELINE SHIM WORK_DIR
set -u
tool=$1 legacy=$2 shim=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
contains() { grep -qE -- "$2" "$1" || fail "$1 lacks /$2/: $(cat "$1")"; }

# wait_for CMD...: polls CMD for up to 60 s (a state, not a duration: it normally holds within ms).
wait_for() {
  for _ in $(seq 6000); do
    "$@" && return 0
    sleep 0.01
  done
  return 1
}
second_execute() { [ "$(grep -c '^nrt-implicit-async: nrt_execute(.*= NRT_SUCCESS' "$1" 2>/dev/null)" -ge 2 ]; }

export NRT_SIM_EXEC_TIME_US=1000
args=(--iterations 6 --slots 2 --host-us 100)

NRT_SIM_FAULTS="xu=compute,nth=1,hold=$work/go_sync" NRT_SIM_TRACE=$work/sync.json "$legacy" "${args[@]}" \
  >sync.out 2>sync.err &
pid=$!
wait_for test -e "$work/go_sync.held" || fail "the held request never started without the shim"
touch "$work/go_sync"
wait "$pid" || fail "legacy-pipeline failed without the shim: $(cat sync.err)"

NRT_SIM_FAULTS="xu=compute,nth=1,hold=$work/go_shim" NRT_SIM_TRACE=$work/shim.json NRT_IMPLICIT_ASYNC_TRACE=1 \
  NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=3 LD_PRELOAD=$shim "$legacy" "${args[@]}" >shim.out 2>shim.err &
pid=$!
wait_for second_execute shim.err || fail "the second nrt_execute never returned under the shim: $(cat shim.err)"
touch "$work/go_shim"
wait "$pid" || fail "legacy-pipeline failed under the shim: $(cat shim.err)"
cmp -s sync.out shim.out || fail "outputs differ: $(cat sync.out) vs $(cat shim.out)"

"$tool" summary sync.json >sync.txt || fail "summary of sync.json failed"
contains sync.txt "^requests +6 \(0 failed\)"
contains sync.txt "overlap +0\.000 ms"
contains sync.txt "requests in flight +max 1,"
contains sync.txt "host blocked in runtime .*\(6 synchronous requests"
"$tool" summary shim.json >shim.txt || fail "summary of shim.json failed"
contains shim.txt "^requests +6 \(0 failed\)"
contains shim.txt "requests in flight +max [2-9],"
# The first execution, held until the second was scheduled, cannot count as one the host waited for.
contains shim.txt "host blocked in runtime .*\(([0-5]) synchronous requests"

[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }
