#include "nrt/nrt.h"

#define NRT_CALL(name, ...) nrt_##name(__VA_ARGS__)
#define RUN(m, i, o) nrt_execute(m, i, o)

NRT_STATUS pasted(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  NRT_STATUS s = NRT_CALL(execute, m, in, out);
  if (s != NRT_SUCCESS) return s;
  return RUN(m, in, out);
}
