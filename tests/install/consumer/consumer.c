/* A minimal application built against an installed nrt-bridge tree. */
#include <stdio.h>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_version.h"

int main(void) {
  nrt_version_t v;
  uint32_t cores = 0;
  if (nrt_get_version(&v, sizeof v) != NRT_SUCCESS) return 1;
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 2;
  if (nrt_get_visible_vnc_count(&cores) != NRT_SUCCESS || cores == 0) return 3;
  nrta_seq_t seq = 0;
  if (nrta_get_sequence(0, NRTA_XU_COMPUTE, 0, &seq) != NRT_SUCCESS) return 4;
  nrt_close();
  printf("consumer ok: runtime %llu.%llu, %u cores, %s\n", (unsigned long long)v.rt_major,
         (unsigned long long)v.rt_minor, cores, v.rt_detail);
  return 0;
}
