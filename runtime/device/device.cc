#include "runtime/device/device.h"

#include <atomic>

namespace nrtb {
namespace {
std::atomic<Device*> g_current{nullptr};
}  // namespace

Device::Device(const RuntimeConfig& config)
    : config_(config), faults_(FaultPlan::Parse(config.faults)), tracer_(config.trace_path, config.visible_cores) {
  dma_.latency_ns = config_.dma_latency_ns;
  dma_.bytes_per_ns = config_.dma_bytes_per_ns;
  UnitContext unit;
  unit.depth = config_.queue_depth;
  unit.exec_timeout_ns = config_.exec_timeout_ns;
  unit.abort_on_fatal = config_.abort_on_fatal;
  unit.faults = faults_.empty() ? nullptr : &faults_;
  unit.trace = tracer_.hub();
  for (uint32_t i = 0; i < config_.visible_cores; ++i) {
    lncs_.push_back(std::make_unique<Lnc>(i, config_.lnc_memory_bytes, unit));
  }
}

Device::~Device() { Shutdown(); }

ExecUnit* Device::UnitForSeq(uint64_t seq) const {
  uint16_t id = SeqXuId(seq);
  uint32_t type = XuIdType(id), queue = XuIdQueue(id);
  if (!IsValidUnit(type, queue)) return nullptr;
  Lnc* l = lnc(XuIdLnc(id));
  return l == nullptr ? nullptr : l->ExistingUnit(static_cast<XuType>(type), queue);
}

void Device::Shutdown() {
  for (auto& l : lncs_) l->Shutdown();
  // After the units: nothing emits any more. The tracer object stays (units keep its hub pointer).
  tracer_.Shutdown();
}

Device* Device::Current() { return g_current.load(std::memory_order_acquire); }
void Device::SetCurrent(Device* d) { g_current.store(d, std::memory_order_release); }

}  // namespace nrtb
