# Sourced by the tools' end-to-end CLI tests (tools/*/cli_test.sh): collect failures, check exit codes
# and outputs, report at the end. The caller has cd'ed into its work directory.
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE CMD...: runs CMD, keeps stdout/stderr in out/err, checks the exit code.
expect() {
  local want=$1; shift
  "$@" >out 2>err
  local got=$?
  [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(cat err)"
}

# contains FILE TEXT: FILE holds TEXT literally.
contains() { grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"; }

# finish: exits non-zero when any check failed.
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "PASS"
}
