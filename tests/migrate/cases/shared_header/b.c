#include "runner.h"

NRT_STATUS step_b(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  NRT_STATUS s = run_step(m, in, out);
  return s == NRT_SUCCESS ? nrt_execute(m, in, out) : s;
}
