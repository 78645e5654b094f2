#include <stdlib.h>

#include "nrt/nrt.h"
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

int configure(void) {
  nrtm_inflight_set_depth(3);
  nrtm_inflight_set_depth(3);
  const char *depth = getenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  return depth ? atoi(depth) : 0;
}
