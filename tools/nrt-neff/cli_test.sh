#!/usr/bin/env bash
# End-to-end checks of nrt-neff: outputs, exit codes (0 ok, 1 failure, 2 usage) and atomic writes.
# usage: cli_test.sh NRT_NEFF TESTDATA_DIR WORK_DIR
set -u
tool=$1 data=$2 work=$3
. "$(dirname "$0")/../common/cli_test_lib.sh" || exit 1
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

expect 0 "$tool" build "$data/graph.json" -o model.neff
contains out "wrote model.neff"
expect 0 "$tool" inspect model.neff
contains out "kind           CPU"
contains out "lnc size       1"
contains out "x     input   float32  [2,4]     32"
contains out "y     output  float32  [2,4]     32"
expect 0 "$tool" inspect model.neff --json
contains out '"kind": "CPU"'
expect 0 "$tool" build "$data/graph.json" -o lnc2.neff --lnc-size 2 --name renamed
expect 0 "$tool" inspect lnc2.neff
contains out "lnc size       2"
contains out "name           renamed"

expect 0 "$tool" --help
expect 0 "$tool" --version
contains out "nrt-neff"
expect 0 "$tool" build --help
expect 2 "$tool"
expect 2 "$tool" frobnicate
expect 2 "$tool" build "$data/graph.json"
expect 2 "$tool" build -o x.neff
expect 2 "$tool" inspect
expect 2 "$tool" inspect model.neff --bogus
expect 2 "$tool" build "$data/graph.json" -o x.neff --lnc-size 0

expect 1 "$tool" inspect missing.neff
contains err "missing.neff"
expect 1 "$tool" inspect "$data/graph.json"
contains err "NEFF header"
head -c 1500 model.neff > truncated.neff
expect 1 "$tool" inspect truncated.neff
contains err "truncated.neff: NEFF header: data_size"

# A failed build leaves an existing output untouched and no temporary file behind.
echo old > keep.neff
expect 1 "$tool" build "$data/missing_constant.json" -o keep.neff
contains err "missing.npy"
[ "$(cat keep.neff)" = old ] || fail "keep.neff was modified by a failed build"
expect 1 "$tool" build "$data/graph.json" -o no/such/dir/x.neff
ls -a | grep -q '\.tmp\.' && fail "temporary file left behind: $(ls -a)"

finish
