#!/usr/bin/env bash
# Checks that every C/C++ source of the project follows .clang-format (clang-format 14, as Debian 12 ships).
# Usage: scripts/check-format.sh [--fix]
#   without arguments: lists the files that differ and exits 1 if any do;
#   --fix: rewrites them in place.
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$fmt" ]]; then
  echo "check-format: clang-format-14 not found (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files '*.c' '*.cc' '*.h' | grep -v '^tests/fuzz/corpus/')
if [[ "${1:-}" == "--fix" ]]; then
  "$fmt" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (scripts/check-format.sh --fix)"
    bad=1
  fi
done
exit $bad
