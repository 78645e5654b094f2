#!/usr/bin/env bash
# End-to-end proof, part 1 (CTest fixture setup of migrate.e2e.<sample>): the five legacy samples
# (samples/legacy) are copied as one project with a compile database, migrated twice from pristine copies —
# once with --in-place, once with --export-fixes --write-support + clang-apply-replacements-14 — and the two
# trees must be identical. Then every migrated sample is built against include/nrt only. A sample whose migrated
# source does not build leaves a build log instead of a binary; its own test (samples_run.sh) fails on that, the
# others run.
#   samples_setup.sh <nrt-migrate> <samples/legacy dir> <include dir> <libnrt dir> <legacy model> <cc> <work dir>
set -euo pipefail
tool=$1 samples=$2 inc=$3 libdir=$4 model=$5 cc=$6
w=$7/e2e_samples
fail() { echo "FAIL [e2e setup]: $*" >&2; exit 1; }
rm -rf "$w"
mkdir -p "$w/legacy" "$w/bin" "$w/yaml"

# The project: the sample sources as shipped, and the compile database a CMake build of them would write.
cp "$samples"/*.c "$samples"/*.h "$w/legacy/"
compile_db() {  # <dir>
  local dir=$1 f sep=""
  {
    echo "["
    for f in "$dir"/*.c; do
      printf '%s{"directory": "%s", "file": "%s", "arguments": ["%s", "-std=gnu11", "-I%s", "-I%s", %s, %s]}\n' \
        "$sep" "$dir" "$f" "$cc" "$dir" "$inc" "\"-DNRTB_LEGACY_MODEL=\\\"$model\\\"\"" "\"-c\", \"$f\""
      sep=","
    done
    echo "]"
  } >"$dir/compile_commands.json"
}
for tree in inplace fixes; do
  cp -r "$w/legacy" "$w/$tree"
  compile_db "$w/$tree"
done
compile_db "$w/legacy"

(cd "$w/inplace" && "$tool" -p . --in-place -j 2 .) >"$w/inplace.out" 2>"$w/inplace.diag" ||
  { cat "$w/inplace.diag"; fail "nrt-migrate --in-place failed"; }
(cd "$w/fixes" && "$tool" -p . --export-fixes "$w/yaml/fixes.yaml" --write-support -j 2 .) >"$w/fixes.diff" \
  2>"$w/fixes.diag" ||
  { cat "$w/fixes.diag"; fail "nrt-migrate --export-fixes failed"; }
car=$(command -v clang-apply-replacements-14 || command -v clang-apply-replacements) ||
  fail "clang-apply-replacements not installed (scripts/install-deps.sh)"
"$car" "$w/yaml" || fail "clang-apply-replacements failed on the exported fixes"
# clang-apply-replacements cannot create files: the support header the tool adds to the project (nrtm_inflight.h)
# was created by the tool itself (--write-support); every other byte must come from the YAML.
diff -r -x "*.orig" -x compile_commands.json "$w/fixes" "$w/inplace" ||
  fail "--export-fixes + clang-apply-replacements differs from --in-place"
# The same diagnostics and summary (but for the run time, and the export's note about the support header).
same() { sed -E -e 's/; [0-9.]+ s$//' -e 's/; created in the source tree \(--write-support\)//' "$1"; }
diff <(same "$w/inplace.diag") <(same "$w/fixes.diag") ||
  fail "the two runs reported differently"

flags=(-std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -I"$w/inplace" -I"$inc" "-DNRTB_LEGACY_MODEL=\"$model\"")
common=$w/bin/legacy_common.o
"$cc" "${flags[@]}" -c "$w/inplace/legacy_common.c" -o "$common" >"$w/bin/legacy_common.build.log" 2>&1 ||
  common=$w/inplace/legacy_common.c  # each sample's build then shows the error
for s in pipeline callbacks drain completion threads; do
  "$cc" "${flags[@]}" "$w/inplace/$s.c" "$common" -L"$libdir" -Wl,-rpath,"$libdir" -lnrt -lm -lpthread \
    -o "$w/bin/$s" >"$w/bin/$s.build.log" 2>&1 || true
done
echo "PASS [e2e setup]: $(tail -1 "$w/inplace.diag")"
