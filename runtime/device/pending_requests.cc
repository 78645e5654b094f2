#include "runtime/device/pending_requests.h"

namespace nrtb {

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

}  // namespace nrtb
