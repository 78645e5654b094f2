// One runtime, from nrt_init to nrt_close: the simulated device and the registries of the handles
// created on it. nrt_close shuts the device down, waits until no API call still uses the session
// (lifecycle pins) and frees it all; the next nrt_init starts a new session. Handles are never reused
// (handle_registry.h), so a handle of an earlier session is simply not found: NRT_INVALID.
#pragma once

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "runtime/api/handle_registry.h"
#include "runtime/core/config.h"
#include "runtime/device/device.h"
#include "runtime/device/error_log.h"
#include "runtime/device/tensor.h"
#include "runtime/device/tensor_set.h"
#include "runtime/model/model.h"

namespace nrtb {

class Session {
 public:
  // Throws Error for a configuration the device refuses (e.g. a bad fault plan).
  explicit Session(const RuntimeConfig& config) : device_(config) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Device& device() { return device_; }
  HandleRegistry<nrt_tensor>& tensors() { return tensors_; }
  HandleRegistry<nrt_model>& models() { return models_; }
  HandleRegistry<TensorSet>& tensor_sets() { return tensor_sets_; }
  HandleRegistry<ErrorTracker>& trackers() { return trackers_; }

 private:
  // First, so it is destroyed last: models and tensors give their memory back to its pools.
  Device device_;
  HandleRegistry<nrt_tensor> tensors_{HandleKind::kTensor};
  HandleRegistry<nrt_model> models_{HandleKind::kModel};
  HandleRegistry<TensorSet> tensor_sets_{HandleKind::kTensorSet};
  HandleRegistry<ErrorTracker> trackers_{HandleKind::kErrorTracker};
};

// The session of the initialised runtime. Only meaningful while the caller holds a lifecycle pin
// (handles.h: RequireSession); set and cleared by nrt_init / nrt_close under LockTransitions().
Session* CurrentSession();
void SetCurrentSession(Session* s);

}  // namespace nrtb
