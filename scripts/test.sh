#!/usr/bin/env bash
# Installs dependencies, checks the source format, builds, and runs every test:
#   1. the full project (gcc, -Werror): unit, conformance, ABI, install, tool and sample tests; then nrt-migrate
#      built against LLVM 16 and run on the golden cases
#   2. the runtime and shim tests (labels unit, conformance, sample, fuzz, shim) and the migrate engine (migrate_engine) under AddressSanitizer + UndefinedBehaviorSanitizer
#      (clang, which also builds the NEFF-loader fuzzer and runs it briefly)
#   3. the runtime and shim tests under ThreadSanitizer
# Each sanitizer build compiles while the previous step's tests run (tests mostly wait on simulated device
# time, leaving CPU idle); the build runs at a lower priority so that the tests keep their share.
# Usage: scripts/test.sh [--skip-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
skip_sanitizers=0
[[ "${1:-}" == "--skip-sanitizers" ]] && skip_sanitizers=1

./scripts/install-deps.sh

run_suite() {  # <build dir> <ctest args...>
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600 "$@"
}

# timed <label> <command...>: runs the command and reports its wall time (the build-time budget is per step)
# and the CPU time it used (user + sys, children included), which other work on the machine hardly changes.
timed() {
  local label=$1
  shift
  local TIMEFORMAT="== time: $label %0R s wall, %0U + %0S s cpu (user + sys)"
  time "$@"
  echo "== total $((SECONDS - t_start)) s" >&2  # after the time line, which bash writes to stderr
}
t_start=$SECONDS

# Background builds: start_build <label> <dir> starts one (output to <dir>.log), finish_build waits for it and
# shows its output; a failed build fails the script.
bg_pid=
bg_log=
start_build() {
  local label=$1 dir=$2
  bg_log=$dir.log
  echo "== $label started in the background (log: $bg_log)"
  set -m  # its own process group, so that the trap below can stop the whole build
  timed "$label" nice -n 10 cmake --build "$dir" >"$bg_log" 2>&1 &
  bg_pid=$!
  set +m
}
finish_build() {
  local rc=0
  wait "$bg_pid" || rc=$?
  bg_pid=
  if ((rc)); then
    cat "$bg_log"
    return $rc
  fi
  tail -n 2 "$bg_log"
}
# A failure elsewhere must not leave a build running behind the script.
trap '[[ -n "$bg_pid" ]] && kill -- "-$bg_pid" 2>/dev/null; true' EXIT

asan_configure() {
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNRTB_WERROR=ON -DNRTB_SANITIZE=address,undefined -DNRTB_BUILD_BENCH=OFF -DNRTB_BUILD_FUZZ=ON
}
tsan_configure() {
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNRTB_WERROR=ON \
    -DNRTB_SANITIZE=thread -DNRTB_BUILD_BENCH=OFF -DNRTB_BUILD_MIGRATE=OFF
}

echo "== [0/3] source format (.clang-format)"
timed "format check" ./scripts/check-format.sh

echo "== [1/3] release build, every test"
# Line tables only (-g1, as the sanitizer trees): all a backtrace here needs, and 12-30 % less compile time per
# runtime file than -g (bench/README.md, build time). A developer's RelWithDebInfo build keeps -g.
release_flags="-O2 -g1 -DNDEBUG"
timed "release configure" cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNRTB_WERROR=ON -DNRTB_BUILD_BENCH=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$release_flags" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$release_flags"
timed "release build" cmake --build build
if ((!skip_sanitizers)); then
  timed "asan configure" asan_configure
  start_build "asan build" build-asan
fi
timed "release tests" run_suite build
# nrt-migrate works with libclang 14-19 (Debian 12 has 14, the default, 15 and 16): one newer version proven cheaply.
# Only the tool is built against libclang-16 (-O0, no debug info: ~30 CPU s), and the release tree's golden cases
# (migrate.<case>, on its libnrt) run it through NRTM_TEST_TOOL: the same expected files must come out.
llvm16_configure() {
  cmake -S . -B build-llvm16 -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_C_FLAGS_DEBUG=-O0 \
    -DNRTB_WERROR=ON -DNRTB_BUILD_TESTS=OFF -DNRTB_BUILD_BENCH=OFF -DNRTB_LLVM_VERSION=16 >/dev/null
}
timed "llvm16 configure" llvm16_configure
timed "llvm16 build" cmake --build build-llvm16 --target nrt-migrate
NRTM_TEST_TOOL=$PWD/build-llvm16/migrate-tool/nrt-migrate timed "llvm16 golden cases" \
  run_suite build -L '^migrate$' -E '^migrate\.(project|overlap_gate|cli|e2e\..*)$'
if ((skip_sanitizers)); then exit 0; fi

echo "== [2/3] ASan + UBSan (clang), runtime tests + fuzz smoke"
finish_build
timed "tsan configure" tsan_configure
start_build "tsan build" build-tsan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  timed "asan tests" run_suite build-asan -L 'unit|conformance|sample|fuzz|shim|migrate_engine'

echo "== [3/3] TSan (gcc), runtime tests"
finish_build
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp timed "tsan tests" run_suite build-tsan -L 'unit|conformance|sample|shim'
echo "== all tests passed"
