#!/usr/bin/env bash
# Runs nrt-data-parallel as N processes on loopback: run_processes.sh <nrt-data-parallel> <N> [--steps S]
set -euo pipefail
exe=$1 n=$2
shift 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export NEURON_RT_ROOT_COMM_ID=127.0.0.1:$port
pids=()
for ((r = 0; r < n; ++r)); do
  timeout 100 "$exe" --rank "$r" --world "$n" "$@" &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
