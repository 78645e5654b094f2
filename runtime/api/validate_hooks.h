// The C entry points' hooks into validation mode (device/validator.h). Each costs one predictable branch
// when NRT_SIM_VALIDATE is off: the footprint of the call is only built when it is on.
#pragma once

#include <utility>

#include "nrt/nrt_async.h"
#include "runtime/api/handles.h"
#include "runtime/device/device.h"

namespace nrtb {

struct CcPlan;

// The public call's return address: the call site a finding names. Read it in the exported function itself
// (not in a lambda or helper, whose return address would be the runtime's own).
#define NRTB_CALL_SITE() __builtin_return_address(0)

// Runs submit() (a schedule on `unit` returning its status). With validation on, describe(RequestFootprint&)
// first says what the request touches; an accepted request is then checked and registered as pending, a
// NRT_QUEUE_FULL is counted for the back-pressure check.
template <typename Describe, typename Submit>
NRT_STATUS ValidatedSchedule(Device& d, const char* api, const void* site, const ExecUnit& unit, NRT_STATUS* ret,
                             const nrta_seq_t* seq, Describe&& describe, Submit&& submit) {
  Validator* v = d.validator();
  if (__builtin_expect(v == nullptr, 1)) return submit();
  return v->Schedule(api, site, unit, ret, seq, describe, submit);
}

// With validation on, checks a host call that is about to access what describe(RequestFootprint&) lists
// (`ordered_after`: the unit it runs in order behind, whose requests it cannot race; null: none).
template <typename Describe>
void ValidateHostAccess(Device& d, const char* api, const void* site, Describe&& describe,
                        const ExecUnit* ordered_after = nullptr) {
  Validator* v = d.validator();
  if (__builtin_expect(v == nullptr, 1)) return;
  RequestFootprint r(api, site);
  describe(r);
  v->OnHostAccess(r, ordered_after);
}

// An execution's footprint: it reads its bound inputs, writes its bound outputs, and needs the model and both
// tensor sets (handles, by identity) until it completes.
void DescribeExecution(RequestFootprint& r, const nrt_model* model, const nrt_tensor_set_t* input,
                       const nrt_tensor_set_t* output, const BoundSets& bound);

// A collective's footprint: it reads this rank's input chunks and writes its output chunks (tensor ranges or host
// buffers). Other ranks' tensors are their own requests' footprints.
void DescribeCollective(RequestFootprint& r, const CcPlan& plan);

}  // namespace nrtb
