// C++: the nrt include inside extern "C" inside #if, and the one execution.
#include <cstdio>
#if !defined(APP_NO_NRT)
extern "C" {
#include "nrt/nrt.h"
}
#endif

#include "api.h"

bool wrap_run(nrt_model_t *m, nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  NRT_STATUS s = nrt_execute(m, in, out);
  if (s != NRT_SUCCESS) std::printf("%d\n", static_cast<int>(s));
  return s == NRT_SUCCESS && app_run(m, in, out) == NRT_SUCCESS;
}
