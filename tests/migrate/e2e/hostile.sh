#!/usr/bin/env bash
# Hostile conditions for the nrt-migrate command line (issue 8): a read-only file in the tree, the target
# directory on another filesystem than the sources (--out-root on /dev/shm, and the other way round), and Ctrl-C
# in the middle of a -j2 run over ~50 translation units. Each ends with a clear message and the documented exit
# code, and no file is ever half-written: every file is either as it was or completely migrated, every backup
# is the original, and no temporary file is left.
# One part per CTest test, so that they run side by side:
#   hostile.sh <readonly|filesystems|interrupt> <nrt-migrate> <include dir> <work dir>
set -uo pipefail
part=$1 tool=$2 inc=$3
w=$4/e2e_hostile_$part
shm=/dev/shm/nrtm-e2e-hostile.$$
fail() { echo "FAIL [e2e hostile $part]: $*" >&2; exit 1; }
rm -rf "$w"
mkdir -p "$w"
trap 'rm -rf "$shm"; [[ -n ${feeder:-} ]] && kill "$feeder" 2>/dev/null' EXIT

# gen <dir> <n>: n translation units, each with a legacy call (so none is skipped by the prefilter).
gen() {
  mkdir -p "$1"
  for ((i = 0; i < $2; ++i)); do
    printf '#include "nrt/nrt.h"\n\nNRT_STATUS run_%d(nrt_model_t *m, nrt_tensor_set_t *in, %b\n' "$i" \
      'nrt_tensor_set_t *out) {\n  return nrt_execute(m, in, out);\n}' >"$1/tu$i.c"
  done
}
no_temporaries() {  # <dir...>: the tool's temporaries are named .<file>.nrtm-XXXXXX
  local left
  left=$(find "$@" -name '.*.nrtm-*' 2>/dev/null)
  [[ -z $left ]] || fail "temporary files left behind: $left"
}

readonly() {
  # A read-only file: not written, named in an error, exit 3; the other files are migrated.
  gen "$w/ro" 3
  cp "$w/ro/tu1.c" "$w/tu1.c.before"
  chmod 0444 "$w/ro/tu1.c"
  out=$(cd "$w/ro" && "$tool" --in-place -j 2 . -- -I"$inc" 2>&1)
  rc=$?
  [[ $rc == 3 ]] || fail "a read-only file: exit $rc, expected 3: $out"
  grep -q 'tu1.c:.*error:.*read-only.*\[NRTM1015\]' <<<"$out" || fail "no error naming the read-only file: $out"
  cmp -s "$w/tu1.c.before" "$w/ro/tu1.c" || fail "the read-only file was changed"
  [[ ! -e $w/ro/tu1.c.orig ]] || fail "the read-only file got a backup"
  for i in 0 2; do
    grep -q nrtm_execute_wait "$w/ro/tu$i.c" || fail "tu$i.c (writable) was not migrated"
    [[ -f $w/ro/tu$i.c.orig ]] || fail "tu$i.c has no backup"
  done
  no_temporaries "$w/ro"
}

filesystems() {
  # --out-root on another filesystem than the sources, both ways: the mirrored tree holds what --in-place
  # writes, the sources are untouched, no temporary is left on either side.
  mkdir -p "$shm"
  [[ $(stat -c %d "$w") != $(stat -c %d "$shm") ]] || fail "$w and /dev/shm are one filesystem here"
  for dir in "$w/fs" "$shm/fs"; do
    gen "$dir/src/sub" 2
    cp -r "$dir/src" "$dir/ref"
    (cd "$dir/ref" && "$tool" --in-place --no-backup . -- -I"$inc" 2>/dev/null) || fail "--in-place failed in $dir"
    cp -r "$dir/src" "$dir/pristine"
  done
  for pair in "$w/fs:$shm/out" "$shm/fs:$w/out"; do
    dir=${pair%%:*} dest=${pair#*:}
    out=$(cd "$dir/src" && "$tool" --out-root "$dest" -j 2 . -- -I"$inc" 2>&1) ||
      fail "--out-root $dest from $dir: exit $?: $out"
    diff -r "$dir/ref" "$dest" || fail "--out-root $dest differs from --in-place"
    diff -r "$dir/pristine" "$dir/src" || fail "--out-root changed the sources in $dir"
    no_temporaries "$dir" "$dest"
  done
}

interrupt() {
  # Ctrl-C mid-run. tu25.c includes gate.h, a FIFO: the run is provably in the middle (a parse is reading the
  # FIFO, the other worker goes on) when the test gets to open the FIFO's writing end. Then SIGINT, then the gate
  # is fed until the run ends. The run must say it was interrupted, exit 130 and write nothing.
  # The 50 files are alike but for their names, so one migrated file is the reference for all.
  gen "$w/int/one" 1
  mkdir -p "$w/int/src"
  for ((i = 0; i < 50; ++i)); do cp "$w/int/one/tu0.c" "$w/int/src/tu$i.c"; done
  cp -r "$w/int/src" "$w/int/pristine"
  (cd "$w/int/one" && "$tool" --in-place --no-backup tu0.c -- -I"$inc" 2>/dev/null) ||
    fail "the reference migration failed"
  printf '#include "gate.h"\n' | cat - "$w/int/pristine/tu25.c" >"$w/int/src/tu25.c"
  mkfifo "$w/int/src/gate.h"
  (cd "$w/int/src" && exec "$tool" --in-place -j 2 . -- -I"$inc") >"$w/int/out" 2>&1 &
  pid=$!
  # Opening the gate for writing blocks until the run opens it; bounded, so a run that never gets there fails.
  timeout 60 bash -c 'exec 3>"$1" && kill -INT "$2"' _ "$w/int/src/gate.h" "$pid" ||
    { kill -KILL "$pid"; fail "the run never reached the gated translation unit: $(cat "$w/int/out")"; }
  # Every later open of the gate (prefilter, then parse) gets an empty header; bounded, so a stuck run fails.
  (for _ in $(seq 1 200); do timeout 0.2 sh -c ": >'$w/int/src/gate.h'" 2>/dev/null; done) &
  feeder=$!
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; fail "the interrupted run did not end"; }
  wait "$pid"
  rc=$?
  kill "$feeder" 2>/dev/null
  [[ $rc == 130 ]] || fail "Ctrl-C mid-run: exit $rc, expected 130: $(cat "$w/int/out")"
  grep -q 'interrupted; nothing was written' "$w/int/out" || fail "no message saying so: $(cat "$w/int/out")"
  rm "$w/int/src/gate.h"
  cp "$w/int/pristine/tu25.c" "$w/int/src/tu25.c"
  diff -r "$w/int/pristine" "$w/int/src" || fail "the interrupted run wrote files"
  no_temporaries "$w/int/src"

  # Ctrl-C after the parse, before the writes (delivered by the formatting step: a clang-format that interrupts
  # its parent): the run says how many files it wrote (none) and that the others are as they were.
  gen "$w/late" 3
  printf 'BasedOnStyle: Google\n' >"$w/late/.clang-format"
  cp -r "$w/late" "$w/late.pristine"
  fmt=$(command -v clang-format-14 || command -v clang-format) || fail "clang-format-14 is not installed"
  printf '#!/bin/sh\nkill -INT $PPID\nexec %s "$@"\n' "$fmt" >"$w/interrupting-clang-format"
  chmod +x "$w/interrupting-clang-format"
  out=$(cd "$w/late" && "$tool" --in-place --clang-format "$w/interrupting-clang-format" -j 2 . -- -I"$inc" 2>&1)
  rc=$?
  [[ $rc == 130 ]] || fail "Ctrl-C before the writes: exit $rc, expected 130: $out"
  grep -q 'interrupted; 0 of 3 changed file(s) written' <<<"$out" || fail "Ctrl-C before the writes, unreported: $out"
  diff -r "$w/late.pristine" "$w/late" || fail "Ctrl-C before the writes: files were written"

  # Ctrl-C at another moment (whatever phase the run is in, also while files are being written): each file is
  # either the original or the complete migration, each backup is the original, and the exit code says which.
  for delay in 0.4; do
    rm -rf "$w/int/run"
    cp -r "$w/int/pristine" "$w/int/run"
    (cd "$w/int/run" && exec "$tool" --in-place -j 2 . -- -I"$inc") >"$w/int/out" 2>&1 &
    pid=$!
    sleep "$delay"
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    [[ $rc == 0 || $rc == 130 ]] || fail "Ctrl-C after ${delay}s: exit $rc: $(cat "$w/int/out")"
    changed=0
    for ((i = 0; i < 50; ++i)); do
      f=$w/int/run/tu$i.c
      if cmp -s "$f" "$w/int/pristine/tu$i.c"; then
        [[ ! -e $f.orig ]] || fail "Ctrl-C after ${delay}s: tu$i.c is unchanged but has a backup"
      else
        cmp -s "$f" "$w/int/one/tu0.c" || fail "Ctrl-C after ${delay}s: tu$i.c is half-written"
        cmp -s "$f.orig" "$w/int/pristine/tu$i.c" ||
          fail "Ctrl-C after ${delay}s: the backup of tu$i.c is not the original"
        changed=$((changed + 1))
      fi
    done
    [[ $rc == 130 || $changed == 50 ]] || fail "exit 0 after Ctrl-C, but only $changed of 50 files migrated"
    # (A signal before the tool set its handler, on a slow start, ends it silently: 130 all the same.)
    [[ $rc == 0 || ! -s $w/int/out ]] || grep -q 'interrupted' "$w/int/out" ||
      fail "exit 130 without saying so: $(cat "$w/int/out")"
    no_temporaries "$w/int/run"
  done
}

case $part in
  readonly | filesystems | interrupt) "$part" ;;
  *) fail "unknown part" ;;
esac
echo "PASS [e2e hostile $part]"
