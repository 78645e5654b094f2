#include "runtime/api/validate_hooks.h"

#include "runtime/collectives/cc_plan.h"

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

void DescribeCollective(RequestFootprint& r, const CcPlan& plan) {
  for (const Chunk& c : plan.inputs) {
    if (c.tensor) {
      r.Read(*c.tensor, c.offset, c.size);
    } else {
      r.ReadHost(c.host, c.size);
    }
  }
  for (const Chunk& c : plan.outputs) {
    if (c.tensor) {
      r.Write(*c.tensor, c.offset, c.size);
    } else {
      r.WriteHost(c.host, c.size);
    }
  }
}

}  // namespace nrtb
