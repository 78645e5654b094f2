/* Includes inside extern "C" (for C++ readers) and inside #if: the helper block goes after the #endif that
 * closes each, back at the file's top level. */
#define APP_TRIES 3
#ifdef __cplusplus
extern "C" {
#endif
#include "nrt/nrt.h"
#ifdef __cplusplus
}
#endif
#if defined(__linux__)
#include <stdio.h>
#endif
#include "api.h"

int try_run(nrt_model_t *m, nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  for (int k = 0; k < APP_TRIES; ++k)
    if (nrt_execute(m, in, out) == NRT_SUCCESS) return app_run(m, in, out) == NRT_SUCCESS;
  printf("no success\n");
  return 0;
}
