#!/usr/bin/env bash
# Checks the dynamic symbol table of libnrt-implicit-async.so against the checked-in baseline: every exported
# (defined, dynamic) symbol is name@@NRT_2.0.0 (nothing else leaks: no C++ runtime, no shim internals), and the
# sorted list equals the baseline.
#   check_shim_exports.sh <lib> <baseline>            check
#   check_shim_exports.sh --update <lib> <baseline>   rewrite the baseline
set -euo pipefail
update=0
if [[ ${1:-} == --update ]]; then
  update=1
  shift
fi
[[ $# -eq 2 ]] || { echo "usage: $0 [--update] <lib> <baseline>" >&2; exit 2; }
lib=$1
baseline=$2
NM=${NM:-nm}
[[ -f $lib ]] || { echo "FAIL: no such library: $lib" >&2; exit 1; }
actual=$(LC_ALL=C "$NM" -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | LC_ALL=C sort)
bad=$(grep -v '^nrt_[a-z_]*@@NRT_2\.0\.0$' <<<"$actual" || true)
if [[ -n $bad ]]; then
  echo "FAIL: exported symbols outside nrt_*@@NRT_2.0.0:" >&2
  echo "$bad" >&2
  exit 1
fi
if [[ $update -eq 1 ]]; then
  echo "$actual" >"$baseline"
  echo "updated $baseline"
  exit 0
fi
if ! diff -u "$baseline" <(echo "$actual"); then
  echo "FAIL: exports differ from $baseline (update it with --update if the change is intended)" >&2
  exit 1
fi
echo "PASS: $(wc -l <<<"$actual") symbols, all @@NRT_2.0.0"
