#include "runtime/device/pending_requests.h"

namespace nrtb {

void PendingRequests::Add(PendingRequest&& r) {
  NRT_STATUS* ret = r.ret;
  std::deque<PendingRequest>& list = by_unit_[r.unit];
  // The hazard scans skip a unit's own list: prune it here, every 8 requests, so it stays bounded by what is in
  // flight without reading the unit's counter on every schedule.
  if (list.size() % 8 == 7) Prune(list, r.unit->completed());
  list.push_back(std::move(r));
  if (ret == nullptr) return;
  auto it = by_ret_.find(ret);
  if (it != by_ret_.end()) {
    it->second = &list.back();
  } else if (!spare_nodes_.empty()) {
    ByRet::node_type node = std::move(spare_nodes_.back());
    spare_nodes_.pop_back();
    node.key() = ret;
    node.mapped() = &list.back();
    by_ret_.insert(std::move(node));
  } else {
    by_ret_.emplace(ret, &list.back());
  }
}

void PendingRequests::Forget(ByRet::iterator it) {
  if (spare_nodes_.size() < kMaxSpareNodes) {
    spare_nodes_.push_back(by_ret_.extract(it));
  } else {
    by_ret_.erase(it);
  }
}

void PendingRequests::Prune(std::deque<PendingRequest>& list, uint64_t completed) {
  while (!list.empty() && list.front().n <= completed) {
    auto it = by_ret_.find(list.front().ret);
    if (it != by_ret_.end() && it->second == &list.front()) Forget(it);
    list.pop_front();
  }
}

const PendingRequest* PendingRequests::Oldest(const ExecUnit* unit) {
  auto it = by_unit_.find(unit);
  if (it == by_unit_.end()) return nullptr;
  const uint64_t completed = unit->completed();
  Prune(it->second, completed);
  // Requests of concurrent schedulers may be registered out of order: the smallest pending number is oldest.
  const PendingRequest* oldest = nullptr;
  for (const PendingRequest& r : it->second) {
    if (r.n > completed && (oldest == nullptr || r.n < oldest->n)) oldest = &r;
  }
  return oldest;
}

const PendingRequest* PendingRequests::WithStatusSlot(NRT_STATUS* ret) {
  auto it = by_ret_.find(ret);
  if (it == by_ret_.end()) return nullptr;
  if (it->second->pending()) return it->second;
  // Completed but not yet pruned (it is not at the front of its unit's list): forget it now.
  Forget(it);
  return nullptr;
}

}  // namespace nrtb
