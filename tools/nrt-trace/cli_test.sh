#!/usr/bin/env bash
# End-to-end checks of nrt-trace: outputs, exit codes (0 ok, 1 failure, 2 usage), no partial SVG.
# usage: cli_test.sh NRT_TRACE TESTDATA_DIR WORK_DIR
set -u
tool=$1 data=$2 work=$3
. "$(dirname "$0")/../common/cli_test_lib.sh" || exit 1
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

# testdata/pipelined.json: three 1 ms requests back to back, scheduled at 0, 100 and 1100 us, the last
# failed; then a 0.5 ms synchronous read. The third request is the only synchronous one.
expect 0 "$tool" summary "$data/pipelined.json"
contains out "LNC 0 compute q0                     3       1       3.000    85.7"
contains out "host blocked in runtime         2.400 ms  (1 synchronous requests"
contains out "overlap                         1.100 ms  = 36.7 % of device-busy time"
contains out "max 2, mean 1.37"
contains out "p50 1.900   p90 1.900   p99 1.900   max 1.900"
expect 0 "$tool" summary --json "$data/pipelined.json"
contains out '"overlap_us": 1100.0'
contains out '"synchronous_requests": 1'
expect 0 "$tool" summary --from 1ms --to 2000 "$data/pipelined.json"
contains out "span 1.000 ms"
expect 0 "$tool" svg -o timeline.svg "$data/pipelined.json"
contains timeline.svg "<svg"
contains timeline.svg ">LNC 0 compute q0<"
contains err "wrote timeline.svg"
expect 0 "$tool" svg -o - --width 600 --title "my run" "$data/pipelined.json"
contains out ">my run<"

expect 0 "$tool" --help
expect 0 "$tool" --version
contains out "nrt-trace"
expect 0 "$tool" summary --help
contains out "host blocked"
expect 2 "$tool"
expect 2 "$tool" frobnicate
expect 2 "$tool" summary
expect 2 "$tool" summary --bogus "$data/pipelined.json"
expect 2 "$tool" summary --from 5parsecs "$data/pipelined.json"
expect 2 "$tool" summary --from 2ms --to 1ms "$data/pipelined.json"
expect 2 "$tool" svg "$data/pipelined.json"
expect 2 "$tool" svg -o x.svg --width 5 "$data/pipelined.json"

# Failures name the file and the problem; a failed svg leaves no file behind.
expect 1 "$tool" summary missing.json
contains err "missing.json: cannot open"
printf '{"traceEvents":[{"ph":"X","cat":"request","ts":1}' >truncated.json
expect 1 "$tool" summary truncated.json
contains err "truncated.json: "
printf '{"traceEvents":[{"ph":"X","cat":"request","ts":1,"pid":0,"tid":16}]}' >nodur.json
expect 1 "$tool" svg -o bad.svg nodur.json
contains err "nodur.json: traceEvents[0]: complete event without a finite, non-negative \"dur\""
[ ! -e bad.svg ] || fail "a failed svg left bad.svg"
ls bad.svg.tmp.* >/dev/null 2>&1 && fail "a failed svg left a temporary file"
expect 1 "$tool" svg -o /nonexistent/dir/x.svg "$data/pipelined.json"
contains err "/nonexistent/dir/x.svg: cannot create"

finish
