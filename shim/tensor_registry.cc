#include "tensor_registry.h"

namespace nrt_shim {

void TensorRegistry::AddToSet(nrt_tensor_set_t* set, const char* name, nrt_tensor_t* tensor) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& members = sets_[set];
  for (Member& m : members) {
    if (m.name == name) {  // the runtime replaces a tensor of the same name
      m.tensor = tensor;
      return;
    }
  }
  members.push_back({name, tensor});
}

std::vector<TensorRegistry::Member> TensorRegistry::Members(const nrt_tensor_set_t* set) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sets_.find(set);
  return it == sets_.end() ? std::vector<Member>{} : it->second;
}

void TensorRegistry::MarkHost(nrt_tensor_t* tensor) {
  std::lock_guard<std::mutex> lock(mu_);
  host_.insert(tensor);
}

bool TensorRegistry::IsHost(const nrt_tensor_t* tensor) const {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.count(tensor) != 0;
}

void TensorRegistry::AddUses(const std::vector<nrt_tensor_t*>& tensors, const std::vector<nrt_tensor_set_t*>& sets) {
  std::lock_guard<std::mutex> lock(mu_);
  for (nrt_tensor_t* t : tensors) ++tensor_uses_[t].count;
  for (nrt_tensor_set_t* s : sets) ++set_uses_[s].count;
}

TensorRegistry::Due TensorRegistry::DropUses(const std::vector<nrt_tensor_t*>& tensors,
                                             const std::vector<nrt_tensor_set_t*>& sets) {
  Due due;
  std::lock_guard<std::mutex> lock(mu_);
  for (nrt_tensor_set_t* s : sets) {
    auto it = set_uses_.find(s);
    if (it == set_uses_.end() || --it->second.count > 0) continue;
    if (it->second.release_pending) {
      due.sets.push_back(s);
      sets_.erase(s);
      pending_releases_.fetch_sub(1, std::memory_order_release);
    }
    set_uses_.erase(it);
  }
  for (nrt_tensor_t* t : tensors) {
    auto it = tensor_uses_.find(t);
    if (it == tensor_uses_.end() || --it->second.count > 0) continue;
    const bool pending = it->second.release_pending;
    tensor_uses_.erase(it);
    if (pending) {
      due.tensors.push_back(t);
      ForgetTensorLocked(t);
      pending_releases_.fetch_sub(1, std::memory_order_release);
    }
  }
  return due;
}

bool TensorRegistry::DeferOrForgetTensor(nrt_tensor_t* tensor) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tensor_uses_.find(tensor);
  if (it != tensor_uses_.end()) {
    if (!it->second.release_pending) pending_releases_.fetch_add(1, std::memory_order_release);
    it->second.release_pending = true;
    return true;
  }
  // Forgotten before the real free, so an allocation reusing the address starts clean.
  ForgetTensorLocked(tensor);
  return false;
}

bool TensorRegistry::DeferOrForgetSet(nrt_tensor_set_t* set) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = set_uses_.find(set);
  if (it != set_uses_.end()) {
    if (!it->second.release_pending) pending_releases_.fetch_add(1, std::memory_order_release);
    it->second.release_pending = true;
    return true;
  }
  sets_.erase(set);
  return false;
}

void TensorRegistry::ForgetTensorLocked(nrt_tensor_t* tensor) {
  host_.erase(tensor);
  // A freed tensor leaves every set the shim knows (the runtime's sets do not own their tensors): its address
  // may be reused by a new tensor.
  for (auto& [set, members] : sets_) {
    std::erase_if(members, [&](const Member& m) { return m.tensor == tensor; });
  }
}

bool TensorRegistry::TensorReleasePending(const nrt_tensor_t* tensor) const {
  if (pending_releases_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tensor_uses_.find(tensor);
  return it != tensor_uses_.end() && it->second.release_pending;
}

bool TensorRegistry::SetReleasePending(const nrt_tensor_set_t* set) const {
  if (pending_releases_.load(std::memory_order_acquire) == 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = set_uses_.find(set);
  return it != set_uses_.end() && it->second.release_pending;
}

void TensorRegistry::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  pending_releases_.store(0, std::memory_order_release);
  sets_.clear();
  host_.clear();
  tensor_uses_.clear();
  set_uses_.clear();
}

}  // namespace nrt_shim
