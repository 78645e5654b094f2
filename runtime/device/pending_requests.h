// Validation mode's registry of the requests scheduled and not yet completed, with their footprints.
// Completion is not reported to it: a request counts as pending while its unit's completed counter is below
// its number, read at each query, so the execution units' completion path stays untouched. Entries of
// completed requests are dropped from the front of each unit's list (a unit completes in order). Not
// thread-safe: the Validator serialises its use.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/request_footprint.h"

namespace nrtb {

struct PendingRequest {
  // First: a scan reads the bounds (and n) of every pending request, the footprint only of those they admit.
  RequestFootprint::Bounds bounds;
  RequestFootprint footprint;
  const ExecUnit* unit = nullptr;
  uint64_t n = 0;  // sequence number on that unit
  NRT_STATUS* ret = nullptr;

  bool pending() const { return unit->completed() < n; }
};

// One unit's pending requests in submission order: a ring of slots that are overwritten, not freed, so a steady
// stream of requests allocates nothing (a deque of these large entries would allocate a block per request).
class PendingRing {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  PendingRequest& operator[](size_t i) { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  PendingRequest& front() { return slots_[head_]; }
  void pop_front() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
  }
  // A slot at the back for a new request (its old contents are the caller's to overwrite).
  PendingRequest& push_back();

 private:
  std::vector<PendingRequest> slots_;  // a power of two in size once used
  size_t head_ = 0, size_ = 0;
};

class PendingRequests {
 public:
  // Registers request n of unit (moving the footprint in once, into its ring slot).
  void Add(RequestFootprint&& footprint, const ExecUnit* unit, uint64_t n, NRT_STATUS* ret);

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
      for (size_t i = 0; i < list.size(); ++i) {
        const PendingRequest& r = list[i];
        if (r.n > completed && !f(r)) return;
      }
    }
  }
  // The oldest pending request on `unit`, or null.
  const PendingRequest* Oldest(const ExecUnit* unit);
  // The latest registered pending request given status slot `ret`, or null.
  const PendingRequest* WithStatusSlot(NRT_STATUS* ret);

 private:
  // The request a status slot was last given to (by number: ring slots move when a ring grows).
  struct SlotOwner {
    const ExecUnit* unit;
    uint64_t n;
  };
  // Status slot -> SlotOwner, open addressing with linear probing: a hit, an insert and an erase per request cost a
  // few instructions and no allocation (std::unordered_map's node handling was a quarter of the registry's cost).
  class SlotTable {
   public:
    SlotOwner* Find(NRT_STATUS* key);
    void Set(NRT_STATUS* key, SlotOwner owner);
    void Erase(NRT_STATUS* key);

   private:
    struct Entry {
      NRT_STATUS* key = nullptr;  // null: empty
      SlotOwner owner{};
    };
    size_t Home(NRT_STATUS* key) const {
      return static_cast<size_t>((reinterpret_cast<uintptr_t>(key) >> 2) * 0x9E3779B97F4A7C15ull) &
             (entries_.size() - 1);
    }
    std::vector<Entry> entries_;  // a power of two in size once used, at most half full
    size_t size_ = 0;
  };

  // Drops the completed requests at the front of a unit's list (`completed`: its counter, read once).
  void Prune(PendingRing& list, uint64_t completed);
  std::unordered_map<const ExecUnit*, PendingRing> by_unit_;
  SlotTable by_ret_;  // status slot -> the latest request given it, while it may be pending
};

}  // namespace nrtb
