#!/usr/bin/env bash
# The deferred-wait form keeps the overlap, shown with a held request instead of a clock: the migrated
# tests/migrate/overlap/legacy_gate.c runs with its execution held in flight (NRT_SIM_FAULTS hold=PATH); its
# host work must leave its marker while the request is still held. (Migrated with the exact form, or left
# synchronous, it would block in the execution until the hold is released, and the marker would never appear
# first: the test would fail at its bound.) Then the hold is released and the output checked.
#   run_overlap_gate.sh <nrt-migrate> <include dir> <libnrt dir> <model dir> <work dir>
set -euo pipefail
tool=$1 inc=$2 libdir=$3 models=$4
w=$5/overlap_gate
src=$(cd "$(dirname "$0")/overlap" && pwd)
fail() { echo "FAIL [overlap_gate]: $*" >&2; exit 1; }
rm -rf "$w"
mkdir -p "$w/out"
cp "$src/legacy_gate.c" "$w/"
(cd "$w" && "$tool" --in-root "$w" --out-root "$w/out" legacy_gate.c -- -I"$inc") 2>"$w/diag" ||
  { cat "$w/diag"; fail "migration failed"; }
grep -q 'NRTM1002' "$w/diag" || { cat "$w/diag"; fail "the execution did not get the deferred-wait form"; }
cc -std=gnu11 -Wall -Werror -I"$inc" "$w/out/legacy_gate.c" -L"$libdir" -Wl,-rpath,"$libdir" -lnrt -o "$w/migrated"
NRT_SIM_VALIDATE=1 NRT_SIM_FAULTS="xu=compute,nth=1,hold=$w/gate" "$w/migrated" "$models/add_one.neff" "$w/host.marker" \
  >"$w/run.out" 2>"$w/run.err" &
pid=$!
# Wait (bounded) for the state: the request held and the host work done.
for _ in $(seq 1 1200); do
  [[ -e $w/gate.held && -e $w/host.marker ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
held_and_done=0
[[ -e $w/gate.held && -e $w/host.marker && ! -e $w/gate ]] && held_and_done=1
touch "$w/gate"
wait "$pid" || fail "the migrated program failed: $(cat "$w/run.err")"
# Validation mode (issue 10): the host work overlapped the execution without touching what it uses.
! grep -q 'nrt-validate: \[' "$w/run.err" || fail "validation findings: $(grep nrt-validate "$w/run.err")"
grep -q 'nrt-validate: summary: no findings' "$w/run.err" || fail "validation mode did not run"
[[ $held_and_done == 1 ]] || fail "the host work did not run while the execution was in flight"
[[ "$(cat "$w/run.out")" == "2 3 4 5" ]] || fail "wrong output: $(cat "$w/run.out")"

# The loop form (implicit mode, request table): tests/migrate/overlap/legacy_loop_gate.c rotates two slots; with
# its first execution held, the host work of the next iteration (marker .1) must run while it is still held.
mkdir -p "$w/loop/out"
cp "$src/legacy_loop_gate.c" "$w/loop/"
(cd "$w/loop" && "$tool" --in-root "$w/loop" --out-root "$w/loop/out" legacy_loop_gate.c -- -I"$inc") \
  2>"$w/loop/diag" || { cat "$w/loop/diag"; fail "loop: migration failed"; }
grep -q 'NRTM1060' "$w/loop/diag" || { cat "$w/loop/diag"; fail "loop: the execution did not get the table form"; }
cc -std=gnu11 -Wall -Werror -I"$inc" -I"$w/loop/out" "$w/loop/out/legacy_loop_gate.c" -L"$libdir" \
  -Wl,-rpath,"$libdir" -lnrt -lpthread -o "$w/loop/migrated"
NRT_SIM_FAULTS="xu=compute,nth=1,hold=$w/loop/gate" "$w/loop/migrated" "$models/add_one.neff" "$w/loop/marker" \
  >"$w/loop/run.out" 2>"$w/loop/run.err" &
pid=$!
for _ in $(seq 1 1200); do
  [[ -e $w/loop/gate.held && -e $w/loop/marker.1 ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
held_and_done=0
[[ -e $w/loop/gate.held && -e $w/loop/marker.1 && ! -e $w/loop/gate ]] && held_and_done=1
touch "$w/loop/gate"
wait "$pid" || fail "loop: the migrated program failed: $(cat "$w/loop/run.err")"
[[ $held_and_done == 1 ]] || fail "loop: the next iteration's host work did not run while the execution was in flight"
expected=$(for i in 0 1 2 3 4 5; do echo "$((10 * i + 1)) $((10 * i + 2)) $((10 * i + 3)) $((10 * i + 4))"; done)
[[ "$(cat "$w/loop/run.out")" == "$expected" ]] || fail "loop: wrong output: $(cat "$w/loop/run.out")"

# The inline form (implicit mode, plain nrta_* code, NRTM1069): legacy_gate.c migrated as an implicit-mode program
# keeps its locals, so its execution is scheduled inline and waited for only before the status check; with the
# request held, the host work must leave its marker while it is still held.
mkdir -p "$w/inline/out"
cp "$src/legacy_gate.c" "$w/inline/"
(cd "$w/inline" && "$tool" --mode implicit --in-root "$w/inline" --out-root "$w/inline/out" legacy_gate.c \
  -- -I"$inc") 2>"$w/inline/diag" || { cat "$w/inline/diag"; fail "inline: migration failed"; }
grep -q 'NRTM1069' "$w/inline/diag" || { cat "$w/inline/diag"; fail "inline: the execution did not get the inline form"; }
! grep -q 'nrtm_inflight_execute' "$w/inline/out/legacy_gate.c" || fail "inline: the execution went through the table"
cc -std=gnu11 -Wall -Werror -I"$inc" -I"$w/inline/out" "$w/inline/out/legacy_gate.c" -L"$libdir" \
  -Wl,-rpath,"$libdir" -lnrt -lpthread -o "$w/inline/migrated"
NRT_SIM_VALIDATE=1 NRT_SIM_FAULTS="xu=compute,nth=1,hold=$w/inline/gate" "$w/inline/migrated" "$models/add_one.neff" \
  "$w/inline/marker" >"$w/inline/run.out" 2>"$w/inline/run.err" &
pid=$!
for _ in $(seq 1 1200); do
  [[ -e $w/inline/gate.held && -e $w/inline/marker ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
held_and_done=0
[[ -e $w/inline/gate.held && -e $w/inline/marker && ! -e $w/inline/gate ]] && held_and_done=1
touch "$w/inline/gate"
wait "$pid" || fail "inline: the migrated program failed: $(cat "$w/inline/run.err")"
! grep -q 'nrt-validate: \[' "$w/inline/run.err" || fail "inline: validation findings: $(grep nrt-validate "$w/inline/run.err")"
grep -q 'nrt-validate: summary: no findings' "$w/inline/run.err" || fail "inline: validation mode did not run"
[[ $held_and_done == 1 ]] || fail "inline: the host work did not run while the execution was in flight"
[[ "$(cat "$w/inline/run.out")" == "2 3 4 5" ]] || fail "inline: wrong output: $(cat "$w/inline/run.out")"
# A failed inline request is not lost: its status check logs it, naming the site (the table's default callback
# logs it too); the program itself saw only the scheduling status, as in implicit mode.
NRT_SIM_FAULTS="xu=compute,nth=1,status=NRT_EXEC_BAD_INPUT" "$w/inline/migrated" "$models/add_one.neff" \
  "$w/inline/marker2" >"$w/inline/fault.out" 2>"$w/inline/fault.err" || fail "inline: the faulted run failed"
grep -q 'nrt-migrate: execution at legacy_gate.c:39 failed: ' "$w/inline/fault.err" ||
  fail "inline: the failed request was not logged: $(cat "$w/inline/fault.err")"
echo "PASS [overlap_gate]"
