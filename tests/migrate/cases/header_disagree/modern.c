#include "step.h"

NRT_STATUS modern(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) { return step(m, in, out); }
