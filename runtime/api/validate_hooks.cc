#include "runtime/api/validate_hooks.h"

namespace nrtb {

void DescribeExecution(RequestFootprint& r, const nrt_model* model, const nrt_tensor_set_t* input,
                       const nrt_tensor_set_t* output, const BoundSets& bound) {
  r.Uses(model).Uses(input).Uses(output);
  // bound.uses keeps every tensor's layout fixed while we read it.
  for (const TensorRef& t : bound.inputs) {
    if (t) r.Read(*t, 0, t->size());
  }
  for (const TensorRef& t : bound.outputs) {
    if (t) r.Write(*t, 0, t->size());
  }
}

}  // namespace nrtb
