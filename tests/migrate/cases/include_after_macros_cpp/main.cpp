// Macros above the includes: a feature-macro default (#ifndef _GNU_SOURCE / #define, which looks like an include
// guard for two lines, and which g++ predefines) and a configuration macro. The helper block goes after the
// includes, outside the #ifndef (inside it, g++ would skip it).
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define APP_REPEATS 2
#include <cstdio>

#include "nrt/nrt.h"

int run_all(nrt_model_t *m, nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  int failures = 0;
  for (int k = 0; k < APP_REPEATS; ++k)
    if (nrt_execute(m, in, out) != NRT_SUCCESS) ++failures;
  std::printf("%d failed\n", failures);
  return failures;
}
