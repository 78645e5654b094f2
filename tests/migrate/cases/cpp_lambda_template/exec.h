// A project header: an inline wrapper and a template, both calling nrt_execute.
#ifndef EXEC_H
#define EXEC_H

#include "nrt/nrt.h"

inline NRT_STATUS exec_inline(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  return nrt_execute(m, in, out);
}

template <typename Fn>
NRT_STATUS exec_then(nrt_model_t *m, const nrt_tensor_set_t *in, nrt_tensor_set_t *out, Fn fn) {
  NRT_STATUS s = nrt_execute(m, in, out);
  if (s == NRT_SUCCESS) fn();
  return s;
}

#endif  // EXEC_H
