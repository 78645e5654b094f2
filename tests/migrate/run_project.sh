#!/usr/bin/env bash
# End-to-end on a legacy mini-project (tests/migrate/project): configure and build it with its own CMake (which
# writes compile_commands.json), run it, migrate it in place with `-p build`, rebuild, run again: the outputs
# must be byte-identical; `--check` fails before and passes after; a second in-place run changes nothing; the
# run script no longer sets the variable; every source had a .orig backup.
#   run_project.sh <nrt-migrate> <include dir> <libnrt dir> <model dir> <work dir>
set -euo pipefail
tool=$1 inc=$2 libdir=$3 models=$4
w=$5/project
src=$(cd "$(dirname "$0")/project" && pwd)
fail() { echo "FAIL [project]: $*" >&2; exit 1; }
rm -rf "$w"
mkdir -p "$w"
cp -r "$src" "$w/proj"
build() {
  cmake -S "$w/proj" -B "$w/proj/build" -DNRT_INCLUDE_DIR="$inc" -DNRT_LIB_DIR="$libdir" >/dev/null
  cmake --build "$w/proj/build" >/dev/null
}
build || fail "the legacy project does not build"
"$w/proj/build/legacy_mini" "$models/add_one.neff" >"$w/legacy.out" 2>"$w/legacy.err" || fail "legacy run failed"
set +e
(cd "$w/proj" && "$tool" -p build --check . >/dev/null 2>&1)
[[ $? == 1 ]] || fail "--check passed on the legacy project"
set -e
(cd "$w/proj" && "$tool" -p build --in-place -j 2 .) 2>"$w/migrate.diag" || { cat "$w/migrate.diag"; fail "migration failed"; }
! grep -q 'warning\|error' "$w/migrate.diag" || { cat "$w/migrate.diag"; fail "the migration warned"; }
[[ ! -f "$w/proj/src/pipeline.c.orig" ]] || fail "an unchanged file got a backup"
for f in src/main.c include/pipeline.h scripts/run.sh; do
  [[ -f "$w/proj/$f.orig" ]] || fail "no backup of $f"
done
! grep -q NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS "$w/proj/scripts/run.sh" || fail "run.sh still sets the variable"
grep -q 'nrtm_schedule' "$w/proj/src/main.c" || fail "main.c did not get the deferred form"
build || fail "the migrated project does not build"
NRT_SIM_VALIDATE=1 "$w/proj/build/legacy_mini" "$models/add_one.neff" >"$w/migrated.out" 2>"$w/migrated.err" ||
  fail "migrated run failed: $(cat "$w/migrated.err")"
# Validation mode (issue 10): the migrated program waits wherever the explicit API needs a wait.
! grep -q 'nrt-validate: \[' "$w/migrated.err" || fail "validation findings: $(grep nrt-validate "$w/migrated.err")"
grep -q 'nrt-validate: summary: no findings' "$w/migrated.err" || fail "validation mode did not run"
cmp "$w/legacy.out" "$w/migrated.out" || fail "outputs differ"
(cd "$w/proj" && "$tool" -p build --check . 2>"$w/check.diag") || { cat "$w/check.diag"; fail "--check fails after"; }
cp -r "$w/proj" "$w/again"
(cd "$w/proj" && "$tool" -p build --in-place . 2>/dev/null)
diff -r -x build "$w/again" "$w/proj" >/dev/null || fail "a second in-place run changed files"
echo "PASS [project]"
