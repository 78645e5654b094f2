#!/usr/bin/env bash
# Installs dependencies, checks the source format, builds, and runs every test:
#   1. the full project (gcc, -Werror): unit, conformance, ABI, install, tool and sample tests
#   2. the runtime and shim tests (labels unit, conformance, sample, fuzz, shim) and the migrate engine (migrate_engine) under AddressSanitizer + UndefinedBehaviorSanitizer
#      (clang, which also builds the NEFF-loader fuzzer and runs it briefly)
#   3. the runtime and shim tests under ThreadSanitizer
# Usage: scripts/test.sh [--skip-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/install-deps.sh

run_suite() {  # <build dir> <ctest args...>
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600 "$@"
}

# timed <label> <command...>: runs the command and reports its wall time (the build-time budget is per step).
timed() {
  local label=$1 start=$SECONDS
  shift
  "$@"
  echo "== time: $label $((SECONDS - start)) s (total $((SECONDS - t_start)) s)"
}
t_start=$SECONDS

echo "== [0/3] source format (.clang-format)"
timed "format check" ./scripts/check-format.sh

echo "== [1/3] release build, every test"
timed "release configure" cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNRTB_WERROR=ON -DNRTB_BUILD_BENCH=ON
timed "release build" cmake --build build
timed "release tests" run_suite build

if [[ "${1:-}" == "--skip-sanitizers" ]]; then exit 0; fi

echo "== [2/3] ASan + UBSan (clang), runtime tests + fuzz smoke"
CC=clang-14 CXX=clang++-14 timed "asan configure" cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNRTB_WERROR=ON -DNRTB_SANITIZE=address,undefined -DNRTB_BUILD_BENCH=OFF -DNRTB_BUILD_FUZZ=ON
timed "asan build" cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  timed "asan tests" run_suite build-asan -L 'unit|conformance|sample|fuzz|shim|migrate_engine'

echo "== [3/3] TSan (gcc), runtime tests"
timed "tsan configure" cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNRTB_WERROR=ON \
  -DNRTB_SANITIZE=thread -DNRTB_BUILD_BENCH=OFF
timed "tsan build" cmake --build build-tsan
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 timed "tsan tests" run_suite build-tsan -L 'unit|conformance|sample|shim'
echo "== all tests passed"
