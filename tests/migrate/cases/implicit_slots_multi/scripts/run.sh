#!/bin/sh
# How the team ran it: implicit async mode, four requests in flight.
export NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=4
exec ./app "$@"
