/* Two translation units see different code here: the tool must not edit it for one of them only. */
#ifndef STEP_H
#define STEP_H

#include "nrt/nrt.h"

NRT_STATUS my_exec(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out);

#ifdef LEGACY_SYNC
static inline NRT_STATUS step(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  return nrt_execute(m, in, out);
}
#else
static inline NRT_STATUS step(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  return my_exec(m, in, out);
}
#endif

#endif
