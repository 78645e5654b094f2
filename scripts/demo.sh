#!/usr/bin/env bash
# Installs dependencies, builds, and runs the demo: build a CPU NEFF with nrt-neff, inspect it, and
# run it through nrt-run, which prints the outputs the simulated device computed.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNRTB_BUILD_BENCH=OFF
cmake --build build --target nrt-neff nrt-run

echo "== nrt-neff build samples/models/mlp.json -o build/demo/mlp.neff"
mkdir -p build/demo
build/tools/nrt-neff/nrt-neff build samples/models/mlp.json -o build/demo/mlp.neff
echo "== nrt-neff inspect build/demo/mlp.neff"
build/tools/nrt-neff/nrt-neff inspect build/demo/mlp.neff
echo "== nrt-run build/demo/mlp.neff"
build/samples/sync/nrt-run build/demo/mlp.neff
