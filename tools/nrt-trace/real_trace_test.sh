#!/usr/bin/env bash
# nrt-trace on real traces: a synchronous program (nrt-run) shows no overlap and one request in flight;
# the explicit-async sample (nrt-pipeline) shows requests overlapping.
# usage: real_trace_test.sh NRT_TRACE NRT_RUN MODEL NRT_PIPELINE WORK_DIR
set -u
tool=$1 run=$2 model=$3 pipeline=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
contains() { grep -qE -- "$2" "$1" || fail "$1 lacks /$2/: $(cat "$1")"; }
# number FILE SED_EXPR: the number the sed expression extracts from FILE.
number() { sed -n "$2" "$1" | head -1; }

NRT_SIM_TRACE=$work/sync.json "$run" "$model" >/dev/null || fail "nrt-run failed"
"$tool" summary sync.json >sync.txt || fail "summary of sync.json failed"
contains sync.txt "^requests +1 \(0 failed\)"
contains sync.txt "^LNC 0 compute q0 +1 +0 "
contains sync.txt "overlap +0\.000 ms"
contains sync.txt "requests in flight +max 1,"

NRT_SIM_TRACE=$work/pipe.json "$pipeline" --batches 12 >/dev/null || fail "nrt-pipeline failed"
"$tool" summary pipe.json >pipe.txt || fail "summary of pipe.json failed"
# 12 pipelined batches plus the sample's 4 serial reference batches, 3 requests each.
contains pipe.txt "^requests +48 \(0 failed\)"
contains pipe.txt "^LNC 0 tensor_op q0 +16 +0 "
contains pipe.txt "^LNC 0 tensor_op q1 +16 +0 "
contains pipe.txt "^LNC 0 compute q0 +16 +0 "
max=$(number pipe.txt 's/.*requests in flight *max \([0-9]*\),.*/\1/p')
[ "${max:-0}" -ge 2 ] || fail "pipe.json: at most ${max:-?} requests in flight"
overlap=$(number pipe.txt 's/.*= \([0-9]*\)\.[0-9] % of device-busy time.*/\1/p')
[ "${overlap:-0}" -ge 20 ] || fail "pipe.json: overlap only ${overlap:-?} % of device-busy time"
"$tool" summary --json pipe.json >pipe_summary.json || fail "summary --json of pipe.json failed"
contains pipe_summary.json '"requests": 48,'
"$tool" svg -o pipe.svg pipe.json 2>/dev/null || fail "svg of pipe.json failed"
grep -qF ">LNC 0 tensor_op q1<" pipe.svg || fail "pipe.svg lacks the tensor_op q1 lane"

[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }
