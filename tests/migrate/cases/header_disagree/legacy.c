#define LEGACY_SYNC
#include "step.h"

NRT_STATUS legacy(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) { return step(m, in, out); }
