#include "runtime/device/tensor_set.h"

namespace nrtb {
namespace {
std::atomic<uint64_t> g_tensor_set_change_epoch{0};

TensorRef Live(const std::weak_ptr<nrt_tensor>& w) {
  TensorRef t = w.lock();
  return t && !t->freed() ? t : nullptr;
}
}  // namespace

uint64_t TensorSet::NextVersion() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

void TensorSet::Put(const std::string& name, const TensorRef& t) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[name] = t;
  // After the change (release): a binder that reads the new version sees the new entry.
  version_.store(NextVersion(), std::memory_order_release);
  // After the version: a binder that sees the epoch move sees the new version.
  g_tensor_set_change_epoch.fetch_add(1, std::memory_order_release);
}

uint64_t TensorSetChangeEpoch() { return g_tensor_set_change_epoch.load(std::memory_order_acquire); }

TensorRef TensorSet::Get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : Live(it->second);
}

std::vector<std::pair<std::string, TensorRef>> TensorSet::Entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, TensorRef>> out;
  out.reserve(entries_.size());
  for (const auto& [name, w] : entries_) out.emplace_back(name, Live(w));
  return out;
}

size_t TensorSet::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace nrtb
