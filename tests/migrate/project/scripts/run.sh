#!/bin/sh
export NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=3
exec ./legacy_mini "$@"
