// Refusal of calls that only mean something on Neuron hardware (nec.h, nds/neuron_ds.h): the
// lifecycle check first, then one log line naming the function and what the simulated device lacks.
#pragma once

#include "runtime/api/handles.h"

namespace nrtb {

// NRT_UNINITIALIZED / NRT_CLOSED / NRT_FAILURE (forked child) from the lifecycle check, else
// NRT_FAILURE with one ERROR line "<api>: the simulated device has no <what>".
inline NRT_STATUS RefuseHardwareOnly(const char* api, const char* what) {
  return Guarded(api, [&] {
    RequireDevice();
    ThrowStatus(NRT_FAILURE, "the simulated device has no %s", what);
    return NRT_FAILURE;
  });
}

}  // namespace nrtb
