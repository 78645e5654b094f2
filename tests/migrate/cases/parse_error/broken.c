#include "nrt/nrt.h"

NRT_STATUS broken(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  return nrt_execute(m, in, out)   /* missing semicolon */
}
