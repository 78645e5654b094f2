#include "runtime/device/pending_requests.h"

namespace nrtb {

void PendingRequests::Add(PendingRequest&& r) {
  NRT_STATUS* ret = r.ret;
  std::deque<PendingRequest>& list = by_unit_[r.unit];
  list.push_back(std::move(r));
  if (ret != nullptr) by_ret_[ret] = &list.back();
}

void PendingRequests::Prune(std::deque<PendingRequest>& list) {
  while (!list.empty() && !list.front().pending()) {
    auto it = by_ret_.find(list.front().ret);
    if (it != by_ret_.end() && it->second == &list.front()) by_ret_.erase(it);
    list.pop_front();
  }
}

const PendingRequest* PendingRequests::Oldest(const ExecUnit* unit) {
  auto it = by_unit_.find(unit);
  if (it == by_unit_.end()) return nullptr;
  Prune(it->second);
  // Requests of concurrent schedulers may be registered out of order: the smallest pending number is oldest.
  const PendingRequest* oldest = nullptr;
  for (const PendingRequest& r : it->second) {
    if (r.pending() && (oldest == nullptr || r.n < oldest->n)) oldest = &r;
  }
  return oldest;
}

const PendingRequest* PendingRequests::WithStatusSlot(NRT_STATUS* ret) {
  auto it = by_ret_.find(ret);
  if (it == by_ret_.end()) return nullptr;
  if (it->second->pending()) return it->second;
  // Completed but not yet pruned (it is not at the front of its unit's list): forget it now.
  by_ret_.erase(it);
  return nullptr;
}

}  // namespace nrtb
