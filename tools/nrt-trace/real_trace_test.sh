#!/usr/bin/env bash
# nrt-trace on real traces: a synchronous program (nrt-run, several runs of one model) shows no overlap
# and one request in flight; the explicit-async sample (nrt-pipeline) shows requests overlapping.
# usage: real_trace_test.sh NRT_TRACE NRT_RUN MODEL NRT_PIPELINE WORK_DIR
set -u
tool=$1 run=$2 model=$3 pipeline=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# json FILE EXPR: evaluates a Python expression over the summary as `s`.
json() { python3 -c "import json,sys; s=json.load(open('$1')); sys.exit(0 if ($2) else 1)" || fail "$1: not ($2): $(cat "$1")"; }

NRT_SIM_TRACE=$work/sync.json "$run" "$model" >/dev/null || fail "nrt-run failed"
"$tool" summary --json sync.json >sync_summary.json || fail "summary of sync.json failed"
json sync_summary.json "s['requests'] == 1 and s['units'][0]['name'] == 'LNC 0 compute q0'"
json sync_summary.json "s['host_device']['overlap_us'] == 0 and s['in_flight']['max'] == 1"

NRT_SIM_TRACE=$work/pipe.json "$pipeline" --batches 12 >/dev/null || fail "nrt-pipeline failed"
"$tool" summary --json pipe.json >pipe_summary.json || fail "summary of pipe.json failed"
json pipe_summary.json "s['requests'] == 3 * 16 and s['failed'] == 0 and len(s['units']) == 3"
json pipe_summary.json "s['in_flight']['max'] >= 2 and s['host_device']['overlap_fraction'] > 0.2"
json pipe_summary.json "s['latency_us']['p50'] > 0 and s['latency_us']['max'] >= s['latency_us']['p99']"
"$tool" svg -o pipe.svg pipe.json 2>/dev/null || fail "svg of pipe.json failed"
grep -qF ">LNC 0 tensor_op q1<" pipe.svg || fail "pipe.svg lacks the tensor_op q1 lane"

[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }
