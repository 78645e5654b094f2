/* A header (a real include guard) whose nrt include and inline function sit inside extern "C": the helper
 * block goes after that include, inside the block, where the function can see it. */
#ifndef APP_API_H
#define APP_API_H
#ifdef __cplusplus
extern "C" {
#endif
#include "nrt/nrt.h"

static inline NRT_STATUS app_run(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  return nrt_execute(m, in, out);
}
#ifdef __cplusplus
}
#endif
#endif
