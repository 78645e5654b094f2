// The runtime's lifecycle state machine (SPEC §4.2):
//   kStart --nrt_init--> kInit --nrt_close--> kClosed;  any state --fork (in the child)--> kChild.
// API calls check it first: kStart -> NRT_UNINITIALIZED, kClosed -> NRT_CLOSED, kChild -> NRT_FAILURE.
#pragma once

#include "nrt/nrt_status.h"

namespace nrtb {

enum class State { kStart, kInit, kClosed, kChild };

State CurrentState();
// NRT_SUCCESS when initialised, else the status the state maps to.
NRT_STATUS CheckInitialized();
// Transitions; the caller (runtime/api) holds the init mutex while calling these.
void SetState(State s);

}  // namespace nrtb
