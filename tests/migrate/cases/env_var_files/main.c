#include <stdlib.h>

#include "nrt/nrt.h"

int configure(void) {
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "3", 1);
  putenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=3");
  const char *depth = getenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  return depth ? atoi(depth) : 0;
}
