#!/usr/bin/env bash
# End-to-end proof, part 2 (one CTest test per legacy sample, after samples_setup.sh): for the sample's
# sources (<sample>.c + legacy_common.c)
#   - `--check` fails on the legacy copy and passes on the migrated one; a second run would change nothing;
#   - the migrated program, run on libnrt without the shim, prints byte for byte what the legacy program prints
#     under the shim (digest, counts, callback counts) and the digest of the legacy program run synchronously
#     (its whole output too, except for legacy-callbacks, whose synchronous run never gets a callback);
#   - it keeps the overlap (executions in flight together in the simulator's trace, at most the slot count);
#   - it runs under NRT_SIM_VALIDATE=1 with the same output and zero `nrt-validate:` findings;
#   - with an execution failing (NRT_SIM_FAULTS) it behaves as under the shim (implicit mode, what the program was
#     written for; a synchronous run stops at nrt_execute's return instead): the same output and exit code,
#     legacy-callbacks sees the failure in its callback with the request's status, the others get a stderr
#     line per failed execution naming its status.
#   samples_run.sh <sample> <nrt-migrate> <legacy bin dir> <nrt-implicit-async launcher> <nrt-trace> <work dir>
set -uo pipefail
s=$1 tool=$2 legacy_bin=$3 launcher=$4 nrt_trace=$5
w=$6/e2e_samples
fail() { echo "FAIL [e2e $s]: $*" >&2; exit 1; }
[[ -d $w/inplace ]] || fail "no migrated tree: migrate.e2e.setup did not run"

# --check before and after, and a second run, on this sample's translation units.
(cd "$w/legacy" && "$tool" -p . --check "$s.c" legacy_common.c) >/dev/null 2>&1
[[ $? == 1 ]] || fail "--check did not fail on the legacy sources"
check_diag=$(cd "$w/inplace" && "$tool" -p . --check "$s.c" legacy_common.c 2>&1) ||
  fail "--check fails on the migrated sources: $check_diag"
second=$(cd "$w/inplace" && "$tool" -p . --diff "$s.c" legacy_common.c 2>/dev/null)
[[ -z $second ]] || fail "a second run would change the migrated sources: $second"
[[ -x $w/bin/$s ]] || fail "the migrated sample does not build: $(cat "$w/bin/$s.build.log")"

args=(--iterations 24 --slots 3 --host-us 100)
# Runs a program with a clean environment (no preload, no implicit-mode variable, no faults) plus `env`
# assignments given before `--`; leaves rc, out and err.
run() {
  local edits=()
  while [[ $1 != -- ]]; do edits+=("$1"); shift; done
  shift
  out=$(env -u LD_PRELOAD -u NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS -u NRT_SIM_FAULTS -u NRT_SIM_TRACE \
    -u NRT_SIM_VALIDATE NRT_SIM_EXEC_TIME_US=300 "${edits[@]}" timeout 60 "$@" 2>"$w/$s.err")
  rc=$?
  err=$(cat "$w/$s.err")
}
digest() { sed -n 's/^digest //p' <<<"$1"; }

run -- "$legacy_bin/legacy-$s" "${args[@]}"
[[ $rc == 0 && -n $(digest "$out") ]] || fail "the legacy program failed synchronously (exit $rc): $out $err"
sync_out=$out
run -- "$launcher" --max-inflight 3 -- "$legacy_bin/legacy-$s" "${args[@]}"
[[ $rc == 0 ]] || fail "the legacy program failed under the shim (exit $rc): $out $err"
shim_out=$out
run -- "$w/bin/$s" "${args[@]}"
[[ $rc == 0 ]] || fail "the migrated program failed (exit $rc): $out $err"
migrated_out=$out
[[ $migrated_out == "$shim_out" ]] || fail "output differs from the legacy program under the shim:
migrated: $migrated_out
shim:     $shim_out"
[[ $(digest "$migrated_out") == $(digest "$sync_out") ]] || fail "digest differs from the synchronous run"
if [[ $s != callbacks ]]; then
  [[ $migrated_out == "$sync_out" ]] || fail "output differs from the synchronous run: $migrated_out vs $sync_out"
fi
# Validation mode (issue 10): the migrated program waits wherever the explicit API needs a wait.
run NRT_SIM_VALIDATE=1 -- "$w/bin/$s" "${args[@]}"
[[ $rc == 0 && $out == "$migrated_out" ]] || fail "under NRT_SIM_VALIDATE=1: exit $rc, output $out, $err"
# The validator ran (its summary line) and found nothing.
[[ $(grep 'nrt-validate:' <<<"$err") == "nrt-validate: summary: no findings" ]] ||
  fail "validation findings: $(grep 'nrt-validate:' <<<"$err")"

# The overlap is kept: in the simulator's trace, executions of the migrated program are in flight together
# (a structural count, not a timing: a schedule-and-wait migration never has more than one per thread), as
# under the shim, and no more than the K=3 slots each thread rotates. legacy-threads: 2 threads on 2 cores.
threads=1 targs=()
[[ $s == threads ]] && threads=2 targs=(--threads 2 --cores 2)
trace=$w/$s.trace.json
rm -f "$trace"
run NRT_SIM_EXEC_TIME_US=2000 NRT_SIM_TRACE="$trace" -- \
  "$w/bin/$s" --iterations 12 --slots 3 --host-us 100 "${targs[@]}"
[[ $rc == 0 ]] || fail "the traced run failed (exit $rc): $err"
summary=$("$nrt_trace" summary "$trace") || fail "nrt-trace cannot read the trace: $summary"
max=$(sed -n 's/.*requests in flight *max \([0-9]*\).*/\1/p' <<<"$summary")
[[ -n $max ]] || fail "no in-flight count in: $summary"
((max > threads)) || fail "the migration lost the overlap: at most $max execution(s) in flight on $threads thread(s)"
((max <= 3 * threads)) || fail "$max executions in flight: more than the 3 slots per thread the program rotates"

faults=NRT_SIM_FAULTS=xu=compute,nth=5,status=NRT_EXEC_COMPLETED_WITH_NUM_ERR
fargs=(--iterations 12 --slots 3 --host-us 0)
run "$faults" -- "$w/bin/$s" "${fargs[@]}"
m_rc=$rc m_out=$out m_err=$err
run "$faults" -- "$launcher" --max-inflight 3 -- "$legacy_bin/legacy-$s" "${fargs[@]}"
[[ $m_rc == "$rc" && $m_out == "$out" ]] || fail "a failed execution is reported differently than under the shim:
migrated (exit $m_rc): $m_out
shim (exit $rc):     $out"
if [[ $s == callbacks ]]; then
  grep -q 'callback: job 5 on vnc 0 completed with NRT_EXEC_COMPLETED_WITH_NUM_ERR' <<<"$m_err" ||
    fail "the callback did not see the failed execution's own status: $m_err"
else
  # One line per failed execution (one per core's compute unit), as the shim writes.
  status=NRT_EXEC_COMPLETED_WITH_NUM_ERR
  [[ $(grep -c $status <<<"$m_err") == $(grep -c $status <<<"$err") ]] ||
    fail "failed executions reported on stderr differently than under the shim: $m_err vs $err"
fi
echo "PASS [e2e $s]"
