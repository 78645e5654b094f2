#!/usr/bin/env bash
# Checks the dynamic symbol table of a built libnrt against the checked-in baseline.
#
#   check_exports.sh <libnrt.so> <baseline>            check
#   check_exports.sh --update <libnrt.so> <baseline>   rewrite the baseline from the library
#                                                      (after the structural checks pass)
#
# Checks, in order:
#   1. SONAME is libnrt.so.1;
#   2. every exported (defined, dynamic) symbol is versioned in NRT_2.0.0 (nrt_*, and the hardware
#      interfaces' nec_* / nds_*) or NRT_3.0.0
#      (nrta_*), i.e. nothing else leaks (no _ZN..., archive_*, Eigen, unversioned symbols), and
#      both version nodes are defined;
#   3. the sorted "name@@VERSION" list equals the baseline (tests/abi/libnrt.symbols, generated from
#      the headers with `check_map.sh --declared include`), so the library exports exactly the
#      declared API.
# Needs binutils >= 2.35 (nm -D prints name@@VERSION for versioned dynamic symbols).
set -euo pipefail

update=0
if [[ ${1:-} == --update ]]; then
  update=1
  shift
fi
if [[ $# -ne 2 ]]; then
  echo "usage: $0 [--update] <libnrt.so> <baseline>" >&2
  exit 2
fi
lib=$1
baseline=$2
NM=${NM:-nm}
READELF=${READELF:-readelf}
NODES_RE='^NRT_(2|3)\.0\.0$'

[[ -f $lib ]] || { echo "FAIL: no such library: $lib" >&2; exit 1; }
fail=0

# 1. SONAME
soname=$(LC_ALL=C "$READELF" -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [[ $soname != libnrt.so.1 ]]; then
  echo "FAIL: SONAME is '${soname:-<none>}', expected 'libnrt.so.1'" >&2
  fail=1
fi

# 2. exported symbols: "name@@VERSION" per defined dynamic symbol; the version-node definitions
#    themselves (type A, name = node) are recorded separately.
raw=$(LC_ALL=C "$NM" -D --defined-only "$lib")
nodes=$(awk 'NF >= 2 && $(NF-1) == "A" { print $NF }' <<<"$raw" | grep -E "$NODES_RE" | LC_ALL=C sort -u || true)
symbols=$(awk 'NF >= 2 && !($(NF-1) == "A" && $NF ~ /^NRT_(2|3)\.0\.0$/) { print $NF }' <<<"$raw" | LC_ALL=C sort)

for node in NRT_2.0.0 NRT_3.0.0; do
  if ! grep -qx "$node" <<<"$nodes"; then
    echo "FAIL: version node $node is not defined in $lib" >&2
    fail=1
  fi
done
if [[ -n $nodes && -n $symbols ]] && ! grep -q '@' <<<"$symbols"; then
  echo "FAIL: the library defines version nodes but '$NM -D' prints no symbol versions: binutils >= 2.35 is needed" >&2
  exit 1
fi
stray=$(grep -Ev '^(nrt|nec|nds)_[A-Za-z0-9_]+@@NRT_2\.0\.0$|^nrta_[A-Za-z0-9_]+@@NRT_3\.0\.0$' <<<"$symbols" || true)
if [[ -n $stray ]]; then
  echo "FAIL: symbols exported outside the two version nodes (nrt_*|nec_*|nds_*@@NRT_2.0.0, nrta_*@@NRT_3.0.0):" >&2
  awk '{ print "  " $0 }' <<<"$stray" >&2
  fail=1
fi
if [[ $fail -ne 0 ]]; then
  exit 1
fi

# 3. baseline
if [[ $update -eq 1 ]]; then
  printf '%s\n' "$symbols" >"$baseline"
  echo "updated $baseline: $(wc -l <"$baseline") symbols"
  exit 0
fi
[[ -f $baseline ]] || { echo "FAIL: no baseline $baseline (run with --update)" >&2; exit 1; }
if ! diff -u --label "baseline $baseline" --label "exported by $lib" \
      <(LC_ALL=C sort "$baseline") <(printf '%s\n' "$symbols"); then
  echo "FAIL: exported symbols differ from the baseline (- missing from the library, + not in the baseline)." >&2
  echo "      If the API change is intended, update the headers, runtime/libnrt.map and the baseline" >&2
  echo "      (tests/abi/check_map.sh --declared include > tests/abi/libnrt.symbols)." >&2
  exit 1
fi
echo "OK: SONAME libnrt.so.1; $(wc -l <<<"$symbols") symbols match $baseline" \
  "($(grep -c '@@NRT_2.0.0$' <<<"$symbols") NRT_2.0.0, $(grep -c '@@NRT_3.0.0$' <<<"$symbols") NRT_3.0.0)"
