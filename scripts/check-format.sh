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
# One clang-format process for every file (one per file cost seconds); its diagnostics name the files.
if ! out=$("$fmt" --dry-run --Werror "${files[@]}" 2>&1); then
  grep -oE '^[^:]+:[0-9]+:[0-9]+: (error|warning)' <<<"$out" | cut -d: -f1 | sort -u |
    sed 's/^\(.*\)$/not formatted: \1 (scripts\/check-format.sh --fix)/'
  # Anything else (an unreadable file, a bad .clang-format) is shown as clang-format said it.
  grep -qE '^[^:]+:[0-9]+:[0-9]+: (error|warning)' <<<"$out" || echo "$out" >&2
  exit 1
fi
