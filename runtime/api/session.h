// One runtime, from nrt_init to nrt_close: the simulated device and the registries of the handles
// created on it. nrt_close shuts the device down, waits until no API call still uses the session
// (lifecycle pins) and frees it all; the next nrt_init starts a new session. Handles are never reused
// (handle_registry.h), so a handle of an earlier session is simply not found: NRT_INVALID.
#pragma once

#include <atomic>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "runtime/api/handle_registry.h"
#include "runtime/collectives/cc_plan.h"
#include "runtime/collectives/cc_world.h"
#include "runtime/collectives/sendrecv.h"
#include "runtime/core/config.h"
#include "runtime/core/env.h"
#include "runtime/device/device.h"
#include "runtime/device/error_log.h"
#include "runtime/device/tensor.h"
#include "runtime/device/tensor_set.h"
#include "runtime/model/model.h"

namespace nrtb {

class Session {
 public:
  // Throws Error for a configuration the device refuses (e.g. a bad fault plan).
  explicit Session(const RuntimeConfig& config)
      : device_(config),
        cc_world_(device_.lnc_count(), GetEnv("NEURON_RT_ROOT_COMM_ID").value_or(""), config.exec_timeout_ns),
        sendrecv_(config.first_visible_core, device_.lnc_count(), config.exec_timeout_ns,
                  GetEnv("NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT").value_or("")) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Device& device() { return device_; }
  HandleRegistry<nrt_tensor>& tensors() { return tensors_; }
  HandleRegistry<nrt_model>& models() { return models_; }
  HandleRegistry<TensorSet>& tensor_sets() { return tensor_sets_; }
  HandleRegistry<ErrorTracker>& trackers() { return trackers_; }
  HandleRegistry<CcPlan>& cc_contexts() { return cc_contexts_; }
  CcWorld& cc_world() { return cc_world_; }
  SendRecv& sendrecv() { return sendrecv_; }

 private:
  // First, so it is destroyed last: models and tensors give their memory back to its pools.
  Device device_;
  HandleRegistry<nrt_tensor> tensors_{HandleKind::kTensor};
  HandleRegistry<nrt_model> models_{HandleKind::kModel};
  HandleRegistry<TensorSet> tensor_sets_{HandleKind::kTensorSet};
  HandleRegistry<ErrorTracker> trackers_{HandleKind::kErrorTracker};
  // Prepared collectives not yet scheduled (an unscheduled one is freed at nrt_close).
  HandleRegistry<CcPlan> cc_contexts_{HandleKind::kCcContext};
  // After device_: collectives scheduled on the device's units refer to it until those units stop.
  CcWorld cc_world_;
  // Last, so it is destroyed first: its requests use tensors, whose memory the device's pools own.
  SendRecv sendrecv_;
};

// The session of the initialised runtime. Only meaningful while the caller holds a lifecycle pin
// (handles.h: RequireSession); set and cleared by nrt_init / nrt_close under LockTransitions().
// Inline: every API call reads it (a load instead of a call into another file).
extern std::atomic<Session*> g_current_session;
inline Session* CurrentSession() { return g_current_session.load(std::memory_order_acquire); }
void SetCurrentSession(Session* s);

}  // namespace nrtb
