// One execution of a model as unit work: the tensors bound from the caller's sets, kept alive (with the
// model) until the execution completes.
#pragma once

#include <memory>
#include <vector>

#include "runtime/device/tensor.h"
#include "runtime/device/work.h"
#include "runtime/model/model.h"

namespace nrtb {

class ExecUnit;
class TensorSet;

// Tensors of `set` in signature order for the model's inputs (or outputs). Every name must be
// present and live, sizes must equal the signature, device tensors must be on the model's core,
// and the set must not hold names the model does not have. Throws Error(NRT_INVALID, "...").
std::vector<TensorRef> BindTensors(const nrt_model& model, const TensorSet& set, bool outputs);

// Bumps the in-flight count of the model until it finishes, and the outputs' completion counters when it does.
// `tensors` are the bound inputs then outputs (the first `n_inputs` are inputs), in use since they were bound:
// the execution takes the uses over and ends them when it finishes. `api` (a string literal) names the public
// function in the execution's log lines.
std::unique_ptr<Work> MakeExecution(const char* api, ModelRef model, TensorUses tensors, size_t n_inputs);
// The same execution run synchronously on `unit` (ExecUnit::RunSync), from the caller's stack: no allocation.
NRT_STATUS RunExecution(ExecUnit& unit, const char* api, ModelRef model, TensorUses tensors, size_t n_inputs);

}  // namespace nrtb
