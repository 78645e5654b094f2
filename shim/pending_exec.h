// One execution the shim scheduled and has not retired yet: what the retire step needs to finish it.
#pragma once

#include <cstdint>
#include <vector>

#include "fence_table.h"
#include "nrt/nrt.h"
#include "nrt/nrt_status.h"

namespace nrt_shim {

struct PendingExec {
  uint64_t seq = 0;                 // written by nrta_execute_schedule
  NRT_STATUS status = NRT_SUCCESS;  // written by the runtime before the request is reported complete
  uint64_t job_id = 0;              // per-LNC, increasing, assigned when scheduled
  uint32_t model_id = 0;
  uint32_t lnc = 0;
  FenceTable::Token fence = 0;
  std::vector<nrt_tensor_t*> tensors;   // every tensor of both sets (deferred frees wait for these)
  std::vector<nrt_tensor_t*> outputs;   // output completion counters to bump
  std::vector<nrt_tensor_set_t*> sets;  // input and output set (deferred destroys wait for these)
};

}  // namespace nrt_shim
