#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrtm_inflight.h" /* nrt-migrate: implicit-mode request table */

int configure(void) {
  nrtm_inflight_set_depth(3);
  nrtm_inflight_set_depth(3);
  const char *depth = getenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  return depth ? atoi(depth) : 0;
}
