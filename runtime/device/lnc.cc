#include "runtime/device/lnc.h"

namespace nrtb {

Lnc::Lnc(uint32_t index, uint64_t memory_bytes, const UnitContext& unit_template)
    : index_(index), pool_(std::make_shared<MemoryPool>(memory_bytes)), unit_template_(unit_template) {
  unit_template_.errors = &errors_;
}

Lnc::~Lnc() { Shutdown(); }

ExecUnit* Lnc::Unit(XuType type, uint32_t queue) {
  size_t slot = Slot(type, queue);
  if (ExecUnit* u = units_[slot].load(std::memory_order_acquire)) return u;
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return nullptr;
  if (!owned_[slot]) {
    owned_[slot] = std::make_unique<ExecUnit>(MakeXuId(index_, type, queue), unit_template_);
    units_[slot].store(owned_[slot].get(), std::memory_order_release);
  }
  return owned_[slot].get();
}

void Lnc::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  for (auto& u : owned_) {
    if (u) u->Shutdown();
  }
  debug_stream_.Shutdown();
  pool_->Shutdown();
}

}  // namespace nrtb
