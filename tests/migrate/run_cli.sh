#!/usr/bin/env bash
# The command line of nrt-migrate: help, --explain, option errors and setup errors give the documented exit
# codes and a message naming the problem.
#   run_cli.sh <nrt-migrate> <work dir>
set -uo pipefail
tool=$1
w=$2/cli
rm -rf "$w" && mkdir -p "$w"
fail() { echo "FAIL [cli]: $*" >&2; exit 1; }
expect() {  # <exit code> <text expected on stdout+stderr> <args...>
  local code=$1 text=$2
  shift 2
  out=$("$tool" "$@" 2>&1)
  rc=$?
  [[ $rc == "$code" ]] || fail "nrt-migrate $* exited $rc, expected $code: $out"
  [[ $out == *"$text"* ]] || fail "nrt-migrate $* did not say '$text': $out"
}
expect 0 "--in-place" --help
expect 0 "Before:" --explain NRTM1002
expect 2 "unknown diagnostic id 'NRTM9999'" --explain NRTM9999
expect 2 "exclude each other" --in-place --check x.c
expect 2 "--write-support does not go with it" --check --write-support x.c
expect 0 "clang-apply-replacements only edits files that exist" --explain NRTM1016
expect 2 "no compile_commands.json in $w" -p "$w" x.c
expect 2 "no such file or directory: $w/missing.c" "$w/missing.c"
expect 2 "has no include/stddef.h" --resource-dir "$w" "$w"
expect 2 "see --help" --no-such-option
echo 'int main(void) { return 0; }' >"$w/plain.c"
expect 0 "1 skipped by the prefilter" --check "$w/plain.c"
# A run whose working directory was removed stops with a message (exit 3), not a crash.
mkdir -p "$w/gone"
out=$(cd "$w/gone" && rmdir "$w/gone" && "$tool" "$w/plain.c" 2>&1)
rc=$?
[[ $rc == 3 && $out == *"cannot get current path"* ]] || fail "a removed working directory: exit $rc: $out"
echo "PASS [cli]"
