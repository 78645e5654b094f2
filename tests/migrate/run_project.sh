#!/usr/bin/env bash
# End-to-end on a legacy mini-project (tests/migrate/project): configure and build it with its own CMake (which
# writes compile_commands.json), run it, migrate it in place with `-p build`, rebuild, run again: the outputs
# must be byte-identical; `--check` fails before and passes after; a second in-place run changes nothing; the
# run script no longer sets the variable; every source had a .orig backup. Also (issue 8's end-to-end proof): the
# legacy program under the shim prints the same; --export-fixes + clang-apply-replacements gives the sources
# --in-place gives; the migrated program, and the legacy one under the shim, run under NRT_SIM_VALIDATE=1 with zero
# findings.
#   run_project.sh <nrt-migrate> <include dir> <libnrt dir> <model dir> <nrt-implicit-async launcher> <work dir>
set -euo pipefail
tool=$1 inc=$2 libdir=$3 models=$4 launcher=$5
w=$6/project
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
env -u LD_PRELOAD "$launcher" --max-inflight 3 -- "$w/proj/build/legacy_mini" "$models/add_one.neff" >"$w/shim.out" \
  2>"$w/shim.err" || fail "legacy run under the shim failed: $(cat "$w/shim.err")"
cmp "$w/legacy.out" "$w/shim.out" || fail "the legacy program prints differently under the shim"
# Validation mode (issue 10): the shim's fences wait wherever the explicit API needs a wait.
env -u LD_PRELOAD NRT_SIM_VALIDATE=1 "$launcher" --max-inflight 3 -- "$w/proj/build/legacy_mini" \
  "$models/add_one.neff" >"$w/shim_validate.out" 2>"$w/shim_validate.err" ||
  fail "legacy run under the shim failed under NRT_SIM_VALIDATE=1: $(cat "$w/shim_validate.err")"
cmp "$w/legacy.out" "$w/shim_validate.out" || fail "the legacy program prints differently under the shim, validated"
[[ $(grep 'nrt-validate:' "$w/shim_validate.err") == "nrt-validate: summary: no findings" ]] ||
  fail "validation findings under the shim: $(grep 'nrt-validate:' "$w/shim_validate.err")"
# The exported fixes, applied by clang-apply-replacements to a copy, must give the sources --in-place writes.
mkdir -p "$w/yaml"
# --write-support: the tool creates the support header in the tree, the one file the fixes cannot create. The
# applied copy keeps it; the project loses it again, so that --in-place below starts from the legacy tree.
(cd "$w/proj" && "$tool" -p build --export-fixes "$w/yaml/fixes.yaml" --write-support -j 2 . >/dev/null 2>&1) ||
  fail "--export-fixes failed"
cp -r "$w/proj" "$w/applied"
rm "$w/proj/nrtm_inflight.h"
sed -i "s#$w/proj/#$w/applied/#g" "$w/yaml/fixes.yaml"
car=$(command -v clang-apply-replacements-14 || command -v clang-apply-replacements) ||
  fail "clang-apply-replacements not installed (scripts/install-deps.sh)"
"$car" "$w/yaml" || fail "clang-apply-replacements failed"
set +e
(cd "$w/proj" && "$tool" -p build --check . >/dev/null 2>&1)
[[ $? == 1 ]] || fail "--check passed on the legacy project"
set -e
(cd "$w/proj" && "$tool" -p build --in-place -j 2 .) 2>"$w/migrate.diag" || { cat "$w/migrate.diag"; fail "migration failed"; }
! grep -q 'warning\|error' "$w/migrate.diag" || { cat "$w/migrate.diag"; fail "the migration warned"; }
[[ ! -f "$w/proj/CMakeLists.txt.orig" ]] || fail "an unchanged file got a backup"
for f in src/main.c src/pipeline.c include/pipeline.h scripts/run.sh; do
  [[ -f "$w/proj/$f.orig" ]] || fail "no backup of $f"
done
! grep -q NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS "$w/proj/scripts/run.sh" || fail "run.sh still sets the variable"
# The run script sets the variable, so the program is implicit-mode: executions go into the request table,
# which the tool added once at the root, with the depth the script asked for.
grep -q 'nrtm_inflight_execute' "$w/proj/src/main.c" || fail "main.c did not get the table form"
grep -q 'nrtm_inflight_tensor_free' "$w/proj/src/pipeline.c" || fail "pipeline.c did not get deferred releases"
grep -q '^#define NRTM_INFLIGHT_DEFAULT_DEPTH 3' "$w/proj/nrtm_inflight.h" || fail "no support header with depth 3"
build || fail "the migrated project does not build"
"$w/proj/build/legacy_mini" "$models/add_one.neff" >"$w/migrated.out" 2>"$w/migrated.err" ||
  fail "migrated run failed: $(cat "$w/migrated.err")"
cmp "$w/legacy.out" "$w/migrated.out" || fail "outputs differ"
# clang-apply-replacements edits sources only (scripts are checked above).
for f in src/main.c src/pipeline.c include/pipeline.h nrtm_inflight.h; do
  cmp "$w/proj/$f" "$w/applied/$f" || fail "--export-fixes + clang-apply-replacements differs from --in-place: $f"
done
# Validation mode (issue 10): the migrated program waits wherever the explicit API needs a wait.
NRT_SIM_VALIDATE=1 "$w/proj/build/legacy_mini" "$models/add_one.neff" >"$w/validate.out" 2>"$w/validate.err" ||
  fail "the migrated program failed under NRT_SIM_VALIDATE=1: $(cat "$w/validate.err")"
cmp "$w/legacy.out" "$w/validate.out" || fail "outputs differ under NRT_SIM_VALIDATE=1"
[[ $(grep 'nrt-validate:' "$w/validate.err") == "nrt-validate: summary: no findings" ]] ||
  fail "validation findings: $(grep 'nrt-validate:' "$w/validate.err")"
(cd "$w/proj" && "$tool" -p build --check . 2>"$w/check.diag") || { cat "$w/check.diag"; fail "--check fails after"; }
cp -r "$w/proj" "$w/again"
(cd "$w/proj" && "$tool" -p build --in-place . 2>/dev/null)
diff -r -x build "$w/again" "$w/proj" >/dev/null || fail "a second in-place run changed files"
echo "PASS [project]"
