// The simulated device of one runtime: the visible logical cores (renumbered from 0), the fault
// plan, the tracer. Created by nrt_init (owned by the api layer's Session); at nrt_close shut down
// (threads joined, trace written) and, once no API call still pins the runtime, destroyed.
#pragma once

#include <memory>
#include <vector>

#include "runtime/core/config.h"
#include "runtime/device/fault_plan.h"
#include "runtime/device/lnc.h"
#include "runtime/device/tensor.h"
#include "runtime/device/tensor_ops.h"
#include "runtime/device/tracer.h"
#include "runtime/device/validator.h"

namespace nrtb {

class Device {
 public:
  // Builds a device from a validated configuration. Throws Error for a bad fault plan.
  explicit Device(const RuntimeConfig& config);
  ~Device();

  const RuntimeConfig& config() const { return config_; }
  uint32_t lnc_count() const { return static_cast<uint32_t>(lncs_.size()); }
  // Null when idx is out of range.
  Lnc* lnc(int64_t idx) const {
    return idx >= 0 && idx < static_cast<int64_t>(lncs_.size()) ? lncs_[static_cast<size_t>(idx)].get() : nullptr;
  }
  const DmaTiming& dma_timing() const { return dma_; }
  Tracer& tracer() { return tracer_; }
  // Validation mode (NRT_SIM_VALIDATE); null when it is off, so a hook costs one predictable branch.
  Validator* validator() const { return validator_.get(); }
  // The unit a sequence id names, if that unit exists. Null for ids naming no valid unit.
  ExecUnit* UnitForSeq(uint64_t seq) const;

  // A new zero-filled tensor of `size` (> 0) bytes: in logical core `lnc`'s memory for
  // Placement::kDevice, in host memory otherwise (`lnc` ignored). `placement` is an
  // nrt_tensor_placement_t value. Throws Error(NRT_INVALID) for a bad placement or core,
  // Error(NRT_RESOURCE) when the core's (or the host's) memory is exhausted.
  TensorRef AllocateTensor(int placement, int64_t lnc, size_t size, const std::string& name);
  // The core a model is loaded on: `vnc`, or for -1 the first core with no model (the least loaded
  // one when every core has a model). Null when vnc is neither -1 nor a core of this device.
  Lnc* LncForLoad(int64_t vnc) const;

  void Shutdown();

  // The device of the initialised runtime (null before nrt_init and after nrt_close). Only safe to
  // use while the calling API call pins the runtime (runtime/api: RequireDevice), which keeps
  // nrt_close from destroying it; api code should prefer the Device& RequireDevice() returns.
  static Device* Current();
  static void SetCurrent(Device* d);

 private:
  RuntimeConfig config_;
  FaultPlan faults_;
  Tracer tracer_;
  DmaTiming dma_;
  std::unique_ptr<Validator> validator_;
  std::vector<std::unique_ptr<Lnc>> lncs_;
};

}  // namespace nrtb
