// Validation mode's registry of the requests scheduled and not yet completed, with their footprints.
// Completion is not reported to it: a request counts as pending while its unit's completed counter is below
// its number, read at each query, so the execution units' completion path stays untouched. Entries of
// completed requests are dropped from the front of each unit's list (a unit completes in order). Not
// thread-safe: the Validator serialises its use.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/request_footprint.h"

namespace nrtb {

struct PendingRequest {
  RequestFootprint footprint;
  const ExecUnit* unit;
  uint64_t n;  // sequence number on that unit
  NRT_STATUS* ret;

  bool pending() const { return unit->completed() < n; }
};

class PendingRequests {
 public:
  void Add(PendingRequest&& r);

  // Calls f(const PendingRequest&) for each pending request of every unit but `skip` (null: every unit), in
  // submission order per unit; stops early when f returns false. Skipping a whole unit keeps a deep queue on
  // one unit from making each schedule on it cost its depth.
  template <typename F>
  void ForEach(const ExecUnit* skip, F&& f) {
    for (auto& [unit, list] : by_unit_) {
      if (unit == skip || list.empty()) continue;
      // One read of the unit's counter (a cache line its worker keeps writing) per list, not per request.
      const uint64_t completed = unit->completed();
      Prune(list, completed);
      for (const PendingRequest& r : list) {
        if (r.n > completed && !f(r)) return;
      }
    }
  }
  // The oldest pending request on `unit`, or null.
  const PendingRequest* Oldest(const ExecUnit* unit);
  // The latest registered pending request given status slot `ret`, or null.
  const PendingRequest* WithStatusSlot(NRT_STATUS* ret);

 private:
  // Drops the completed requests at the front of a unit's list (`completed`: its counter, read once).
  void Prune(std::deque<PendingRequest>& list, uint64_t completed);
  void Forget(std::unordered_map<NRT_STATUS*, const PendingRequest*>::iterator it);
  std::unordered_map<const ExecUnit*, std::deque<PendingRequest>> by_unit_;
  // Status slot -> the latest request given it. Deque elements stay put when others are added or popped. Nodes of
  // erased entries are kept for reuse, so a steady stream of requests allocates none.
  using ByRet = std::unordered_map<NRT_STATUS*, const PendingRequest*>;
  ByRet by_ret_;
  std::vector<ByRet::node_type> spare_nodes_;
  static constexpr size_t kMaxSpareNodes = 4096;
};

}  // namespace nrtb
