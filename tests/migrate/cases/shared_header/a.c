#include "runner.h"

NRT_STATUS step_a(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) { return run_step(m, in, out); }
