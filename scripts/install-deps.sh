#!/usr/bin/env bash
# Installs the Debian 12 packages nrt-bridge builds and tests with.
# Idempotent and non-interactive: packages already present are skipped by apt.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-14 libclang-rt-14-dev llvm-14          # sanitizer/libFuzzer runtime and llvm-symbolizer
  clang-format-14 ccache                        # source format check; compiler cache (used when present)
  libgtest-dev libgmock-dev libbenchmark-dev
  libarchive-dev zlib1g-dev
  nlohmann-json3-dev libeigen3-dev
  libboost-program-options-dev
  libgloo-dev iproute2                          # Gloo (multi-process collectives); ip netns for the two-host test
  libclang-dev clang-tools-14                   # nrt-migrate (libclang C API); clang-apply-replacements for its tests
  libclang-16-dev                               # nrt-migrate against a newer libclang (scripts/test.sh, step 1)
  liburing-dev                                  # io_uring peer in bench/bench_hot_paths (bench only)
  binutils file
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#packages[@]} packages already installed"
fi
