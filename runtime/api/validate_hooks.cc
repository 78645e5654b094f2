#include "runtime/api/validate_hooks.h"

#include "runtime/collectives/cc_plan.h"

namespace nrtb {

void DescribeExecution(RequestFootprint& r, const nrt_model* model, const nrt_tensor_set_t* input,
                       const nrt_tensor_set_t* output, const BoundSets& bound) {
  r.Uses(model).Uses(input).Uses(output);
  // The uses keep every tensor's layout fixed while we read it.
  for (size_t i = 0; i < bound.tensors.size(); ++i) {
    const nrt_tensor& t = *bound.tensors[i];
    if (i < bound.n_inputs) {
      r.Read(t, 0, t.size());
    } else {
      r.Write(t, 0, t.size());
    }
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
