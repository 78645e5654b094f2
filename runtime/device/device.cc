#include "runtime/device/device.h"

#include <atomic>

#include "runtime/core/error.h"
#include "runtime/device/memory_pool.h"

namespace nrtb {
namespace {
std::atomic<Device*> g_current{nullptr};
}  // namespace

Device::Device(const RuntimeConfig& config)
    : config_(config), faults_(FaultPlan::Parse(config.faults)), tracer_(config.trace_path, config.visible_cores) {
  dma_.latency_ns = config_.dma_latency_ns;
  dma_.bytes_per_ns = config_.dma_bytes_per_ns;
  if (config_.validate != ValidateMode::kOff) {
    validator_ = std::make_unique<Validator>(config_.validate == ValidateMode::kAbort);
  }
  UnitContext unit;
  unit.depth = config_.queue_depth;
  unit.exec_timeout_ns = config_.exec_timeout_ns;
  unit.abort_on_fatal = config_.abort_on_fatal;
  unit.denormals = config_.denormals;
  unit.faults = faults_.empty() ? nullptr : &faults_;
  unit.trace = tracer_.hub();
  unit.fd_watch = validator_.get();
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

TensorRef Device::AllocateTensor(int placement, int64_t lnc, size_t size, const std::string& name) {
  if (size == 0) ThrowInvalid("tensor \"%s\": size must be greater than 0", name.c_str());
  switch (static_cast<Placement>(placement)) {
    case Placement::kDevice: {
      Lnc* l = this->lnc(lnc);
      if (l == nullptr) {
        ThrowInvalid("tensor \"%s\": %lld is not a logical core of this process (0-%u are visible)", name.c_str(),
                     static_cast<long long>(lnc), lnc_count() - 1);
      }
      PoolFailure failure = PoolFailure::kNone;
      std::shared_ptr<Storage> storage = Storage::Allocate(size, l->pool(), &failure);
      if (failure == PoolFailure::kShutDown) {
        ThrowStatus(NRT_CLOSED, "tensor \"%s\": %s", name.c_str(), PoolFailureText(failure));
      }
      if (!storage) {
        ThrowStatus(NRT_RESOURCE,
                    "tensor \"%s\": cannot allocate %zu bytes on logical core %lld: %s (%llu of %llu bytes in use)",
                    name.c_str(), size, static_cast<long long>(lnc),
                    // Storage refuses more than the host's RAM before asking the pool.
                    failure == PoolFailure::kNone ? "more than the host's physical memory" : PoolFailureText(failure),
                    static_cast<unsigned long long>(l->pool()->used()),
                    static_cast<unsigned long long>(l->pool()->limit()));
      }
      return MakeTensor(name, Placement::kDevice, static_cast<int>(lnc), std::move(storage), size);
    }
    case Placement::kHost:
    case Placement::kVirtual: {
      std::shared_ptr<Storage> storage = Storage::Allocate(size, nullptr);
      if (!storage) {
        ThrowStatus(NRT_RESOURCE, "tensor \"%s\": cannot allocate %zu bytes of host memory", name.c_str(), size);
      }
      return MakeTensor(name, static_cast<Placement>(placement), -1, std::move(storage), size);
    }
  }
  ThrowInvalid("tensor \"%s\": invalid placement %d", name.c_str(), placement);
}

Lnc* Device::LncForLoad(int64_t vnc) const {
  if (vnc != -1) return lnc(vnc);
  Lnc* best = lnc(0);
  for (uint32_t i = 1; i < lnc_count() && best->loaded_models.load() != 0; ++i) {
    if (lncs_[i]->loaded_models.load() < best->loaded_models.load()) best = lncs_[i].get();
  }
  return best;
}

void Device::Shutdown() {
  for (auto& l : lncs_) l->Shutdown();
  // After the units: nothing emits any more. The tracer object stays (units keep its hub pointer).
  tracer_.Shutdown();
}

Device* Device::Current() { return g_current.load(std::memory_order_acquire); }
void Device::SetCurrent(Device* d) { g_current.store(d, std::memory_order_release); }

}  // namespace nrtb
