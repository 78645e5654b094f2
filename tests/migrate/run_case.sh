#!/usr/bin/env bash
# One golden case of nrt-migrate: migrate the case's sources (a copy), compare the migrated files and the
# diagnostics with the case's expected/ tree and expected.diag, check that clang-apply-replacements on the
# exported fixes gives the same files, that a second run changes nothing and that --check fails before and
# passes after (when everything was migrated), compile the original and the migrated sources against
# include/nrt, and for runnable cases (a `run` file) run both on libnrt and compare their output bytes.
#
#   run_case.sh <case dir> <nrt-migrate> <include dir> <libnrt dir> <model dir> <cc> <cxx> <work dir> [<nrt-trace>]
# A runnable case with a `max_inflight` file (a number N) is also run traced, with executions that take 2 ms:
# the simulator's trace must never show more than N requests in flight (the depth the program asked for).
# NRTM_UPDATE_GOLDEN=1 rewrites expected/ and expected.diag from this run instead of comparing.
# NRTM_TEST_TOOL=PATH runs that nrt-migrate instead (another libclang version) and stops once its output matched.
set -euo pipefail
case_dir=$(cd "$1" && pwd) tool=${NRTM_TEST_TOOL:-$2} inc=$3 libdir=$4 models=$5 cc=$6 cxx=$7 nrt_trace=${9:-}
name=$(basename "$case_dir")
# The work tree lies outside this project, whose .clang-format would otherwise style the edited lines: a case
# is formatted only with the style it brings (a `clang-format` file, copied in as src/.clang-format). It is
# removed after a pass and kept, with its path printed, after a failure.
w=$(mktemp -d "${TMPDIR:-/tmp}/nrtm-case-$name.XXXXXX")
trap 'if [[ $? == 0 ]]; then rm -rf "$w"; else echo "work tree kept: $w" >&2; fi' EXIT
mkdir -p "$w/src" "$w/out" "$w/fixes"
fail() { echo "FAIL [$name]: $*" >&2; exit 1; }

(cd "$case_dir" && find . -type f ! -path './expected/*' ! -name expected.diag ! -name run ! -name args \
  ! -name nocompile ! -name max_inflight ! -name .clang-format ! -name clang-format) | while read -r f; do
  mkdir -p "$w/src/$(dirname "$f")"
  cp -p "$case_dir/$f" "$w/src/$f"
done
[[ -f $case_dir/clang-format ]] && cp "$case_dir/clang-format" "$w/src/.clang-format"
extra=()
[[ -f $case_dir/args ]] && read -ra extra <"$case_dir/args"

migrate() {  # <dir> <tool args...>: runs the tool on every source under dir, from dir
  local dir=$1
  shift
  (cd "$dir" && "$tool" --in-root "$dir" -j 2 "$@" "${extra[@]}" . -- -I"$inc")
}

set +e
# --write-support: a CI run that exports fixes has the tool create the support header in the source tree (src/),
# since clang-apply-replacements cannot; --out-root gets its copy as well.
migrate "$w/src" --out-root "$w/out" --export-fixes "$w/fixes/fixes.yaml" --write-support --report "$w/report.json" \
  >"$w/stdout" 2>"$w/diag.raw"
rc=$?
set -e
{ sed -E 's/; [0-9.]+ s$//' "$w/diag.raw"; echo "exit $rc"; } >"$w/diag"

# The support header of implicit-mode migrations is the tool's own migrate-tool/support/nrtm_inflight.h but for
# its default-depth line, which depends on the case: expected/ keeps that line only (nrtm_inflight.h.depth), so
# that a change to the header does not mean regenerating a 500-line copy per case. $w/golden is what expected/
# is compared with.
support_src="$(cd "$(dirname "$0")/../.." && pwd)/migrate-tool/support/nrtm_inflight.h"
depth_line='^#define NRTM_INFLIGHT_DEFAULT_DEPTH '
cp -r "$w/out" "$w/golden"
if [[ -f $w/golden/nrtm_inflight.h ]]; then
  diff -u <(grep -v "$depth_line" "$support_src") <(grep -v "$depth_line" "$w/golden/nrtm_inflight.h") ||
    fail "the support header written differs from $support_src beyond its default depth"
  grep "$depth_line" "$w/golden/nrtm_inflight.h" >"$w/golden/nrtm_inflight.h.depth"
  rm "$w/golden/nrtm_inflight.h"
fi

if [[ "${NRTM_UPDATE_GOLDEN:-}" == 1 ]]; then
  rm -rf "$case_dir/expected"
  if [[ -n "$(ls -A "$w/golden")" ]]; then cp -r "$w/golden" "$case_dir/expected"; fi
  cp "$w/diag" "$case_dir/expected.diag"
  echo "updated $name"
  exit 0
fi

diff -u "$case_dir/expected.diag" "$w/diag" || fail "diagnostics differ from expected.diag"
if [[ -d $case_dir/expected ]]; then
  diff -r "$case_dir/expected" "$w/golden" || fail "migrated files differ from expected/"
else
  [[ -z "$(ls -A "$w/out")" ]] || fail "files changed, none expected"
fi
grep -q '"sites"' "$w/report.json" || fail "--report wrote no per-site report"

# The migrated tree: the sources with the changed files laid over them.
cp -r "$w/src" "$w/migrated"
cp -r "$w/out/." "$w/migrated/"

if [[ -n "$(ls -A "$w/out")" ]]; then
  # clang-apply-replacements on the exported fixes must produce the --out-root files.
  car=$(command -v clang-apply-replacements-14 || command -v clang-apply-replacements) ||
    fail "clang-apply-replacements not installed (scripts/install-deps.sh)"
  cp -r "$w/src" "$w/applied"
  sed "s#$w/src/#$w/applied/#g" "$w/fixes/fixes.yaml" >"$w/fixes/applied.yaml"
  rm "$w/fixes/fixes.yaml"
  "$car" "$w/fixes" || fail "clang-apply-replacements failed"
  # Every source of the applied tree (the support header the tool created included) is the --out-root result;
  # clang-apply-replacements edits source files only (text-file edits are checked through --out-root). The
  # applied tree is the one compiled and run below.
  (cd "$w/migrated" && find . -type f -name '*.[ch]' -o -type f -name '*.cpp') | while read -r f; do
    cmp -s "$w/migrated/$f" "$w/applied/$f" || fail "export-fixes result differs from --out-root's: $f"
  done
  # --check fails before.
  set +e
  migrate "$w/src" --check >/dev/null 2>&1
  check_rc=$?
  [[ $check_rc == 1 || $check_rc == 3 ]] || fail "--check did not fail on the legacy sources (exit $check_rc)"
  set -e
fi
# A second run changes nothing.
migrate "$w/migrated" --diff >"$w/second.diff" 2>"$w/second.diag" || true
[[ ! -s "$w/second.diff" ]] || { cat "$w/second.diff"; fail "a second run would change the migrated files"; }

if [[ -f $case_dir/nocompile ]]; then echo "PASS [$name] (not compiled: it does not parse on purpose)"; exit 0; fi
# Another build of the tool (NRTM_TEST_TOOL: scripts/test.sh's LLVM 16 step) wrote the very files of expected/,
# which the run with the tool of this tree compiles and runs: compiling them again would prove nothing new.
if [[ -n ${NRTM_TEST_TOOL:-} ]]; then echo "PASS [$name] with $tool (files identical to expected/)"; exit 0; fi
build() {  # <tree> <output binary or ""> : compiles (and links, for runnable cases) every source of the tree
  local tree=$1 bin=$2 objs=() f
  while read -r f; do
    local o="$f.o"
    case "$f" in
      *.c) "$cc" -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -I"$inc" -I"$tree" -c "$f" -o "$o" ;;
      *.cpp) "$cxx" -std=c++17 -Wall -Wextra -Wno-unused-parameter -Werror -I"$inc" -I"$tree" -c "$f" -o "$o" ;;
    esac
    objs+=("$o")
  done < <(find "$tree" -name '*.c' -o -name '*.cpp')
  if [[ -n $bin ]]; then "$cxx" "${objs[@]}" -L"$libdir" -Wl,-rpath,"$libdir" -lnrt -o "$bin"; fi
}
migrated=$w/migrated
[[ -d $w/applied ]] && migrated=$w/applied
if [[ -f $case_dir/run ]]; then
  build "$w/src" "$w/legacy" || fail "the legacy sources do not compile"
  build "$migrated" "$w/migrated.bin" || fail "the migrated sources do not compile"
  # stdout is the program's output; stderr holds the runtime's log (the legacy run earns a WARN for the variable).
  "$w/legacy" "$models/add_one.neff" >"$w/legacy.out" 2>"$w/legacy.err" ||
    fail "the legacy program failed: $(cat "$w/legacy.err")"
  # In validation mode (issue 10): the migrated program must wait wherever the explicit API needs a wait.
  NRT_SIM_VALIDATE=1 "$w/migrated.bin" "$models/add_one.neff" >"$w/migrated.out" 2>"$w/migrated.err" ||
    fail "the migrated program failed: $(cat "$w/migrated.err")"
  ! grep -q 'nrt-validate: \[' "$w/migrated.err" || fail "validation findings: $(grep nrt-validate "$w/migrated.err")"
  grep -q 'nrt-validate: summary: no findings' "$w/migrated.err" || fail "validation mode did not run"
  # The same number of runtime errors (a case may provoke one on purpose), and no other.
  [[ $(grep -c ERROR "$w/legacy.err") == $(grep -c ERROR "$w/migrated.err") ]] ||
    fail "the migrated program logged other errors: $(cat "$w/migrated.err")"
  [[ -s $w/legacy.out ]] || fail "the legacy program printed nothing"
  cmp "$w/legacy.out" "$w/migrated.out" || { diff "$w/legacy.out" "$w/migrated.out"; fail "outputs differ"; }
  if [[ -f $case_dir/max_inflight ]]; then
    [[ -x $nrt_trace ]] || fail "max_inflight needs nrt-trace (argument 9)"
    limit=$(<"$case_dir/max_inflight")
    NRT_SIM_EXEC_TIME_US=2000 NRT_SIM_TRACE="$w/trace.json" "$w/migrated.bin" "$models/add_one.neff" \
      >"$w/traced.out" 2>"$w/traced.err" || fail "the traced run failed: $(cat "$w/traced.err")"
    summary=$("$nrt_trace" summary "$w/trace.json") || fail "nrt-trace cannot read the trace: $summary"
    max=$(sed -n 's/.*requests in flight *max \([0-9]*\).*/\1/p' <<<"$summary")
    [[ -n $max ]] || fail "no in-flight count in: $summary"
    ((max <= limit)) || fail "$max requests in flight at once: more than the depth $limit the program asked for"
  fi
else
  build "$w/src" "" || fail "the legacy sources do not compile"
  build "$migrated" "" || fail "the migrated sources do not compile"
fi
echo "PASS [$name]"
