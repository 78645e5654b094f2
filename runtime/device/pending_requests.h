// Validation mode's registry of the requests scheduled and not yet completed, with their footprints.
// Completion is not reported to it: a request counts as pending while its unit's completed counter is below
// its number, read at each query, so the execution units' completion path stays untouched. Entries of
// completed requests are dropped from the front of each unit's list (a unit completes in order). Each unit's
// list comes with an index of the ranges its entries read and write, so a hazard check passes over a unit whose
// pending requests cannot conflict without looking at them. Not thread-safe: the Validator serialises its use.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "nrt/nrt_status.h"
#include "runtime/device/exec_unit.h"
#include "runtime/device/range_index.h"
#include "runtime/device/request_footprint.h"
#include "runtime/device/status_slot_table.h"

namespace nrtb {

// A slot of a unit's ring. Aligned to a cache line, with the fields a schedule writes first and together: a
// transfer's slot is then four whole lines (not six to eight straddling ones). Each schedule writes a slot the
// ring has not touched since it was as deep as now, so every line of it is a cache miss in a deep queue.
struct alignas(64) PendingRequest {
  // First: a scan reads n and the footprint's bounds (its first field) of every pending request, the entries only
  // of those the bounds admit.
  uint64_t n = 0;  // sequence number on that unit
  const ExecUnit* unit = nullptr;
  RequestFootprint footprint;

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
  // The front request's number, from a compact copy: pruning the requests of a drained queue reads 8 numbers per
  // cache line instead of one slot (a line written long ago) per request.
  uint64_t front_number() const { return numbers_[head_]; }
  void pop_front() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
  }
  // The slot after the back, not yet part of the ring (growing it if full; its old contents are the caller's to
  // overwrite): a request is described into it and then added as number n (commit) or not (nothing to undo).
  PendingRequest& next() {
    if (__builtin_expect(size_ == slots_.size(), 0)) Grow();
    return (*this)[size_];
  }
  // With few requests left (at most kRestartMax) after pruning, moves them to the first slots. A queue that is
  // drained now and then thus reuses the same slots, which stay cached, instead of walking the whole ring: a ring
  // grown to 8192 slots by a drain every 4096 requests would otherwise put each schedule's four fresh lines 2-4 MB
  // away from where the last cycle wrote them (past L2).
  static constexpr size_t kRestartMax = 8;
  void RestartIfFew();
  void commit(uint64_t n) {
    const size_t i = (head_ + size_) & (slots_.size() - 1);
    slots_[i].n = n;
    numbers_[i] = n;
    ++size_;
  }

 private:
  void Grow();

  std::vector<PendingRequest> slots_;  // a power of two in size once used
  std::vector<uint64_t> numbers_;      // slots_[i].n, for pruning
  size_t head_ = 0, size_ = 0;
};

class PendingRequests {
 public:
  // Registers request n of unit in two steps, with no copy of its footprint: Reserve returns the footprint of a
  // free slot of unit's list, emptied and labelled (api, site), to describe the request into; Commit(unit, n)
  // then makes it part of the list. Until Commit the slot is not part of it (no other call may come in between but
  // ClaimStatusSlot and the scans, which do not see it); a slot not committed is reused by the next Reserve. The
  // request's status slot (if any) is ClaimStatusSlot's to record, first.
  RequestFootprint& Reserve(const ExecUnit* unit, const char* api, const void* site);
  // Inline, as ClaimStatusSlot's common case: out of line, each paid a call and a second lookup of the unit's list.
  void Commit(const ExecUnit* unit, uint64_t n) {
    reserved_->unit = unit;  // the slot Reserve returned: the ring did not change since
    reserved_list_->ring.commit(n);
    ++reserved_list_->unindexed;
  }
  // Status slot `ret` now belongs to request n of unit; returns the request it was given to before if that one is
  // still pending (its status would be lost), else null. One probe of the slot table for both. The slot's entry
  // stays when that request completes (StatusSlotTable drops completed owners in bulk when it would grow).
  const PendingRequest* ClaimStatusSlot(NRT_STATUS* ret, const ExecUnit* unit, uint64_t n) {
    bool added;
    StatusSlotTable::Owner& owner = by_ret_.FindOrAdd(ret, StatusSlotTable::Owner{unit, n}, &added, StillPending);
    if (added) return nullptr;
    const StatusSlotTable::Owner before = owner;
    owner = StatusSlotTable::Owner{unit, n};
    // A program that rotates status slots gives one to a request long after its previous owner completed, most
    // often on the same unit: the counter as last read says so without another read of it.
    if (before.unit == last_unit_ && last_pending_->completed_seen >= before.n) return nullptr;
    return IfStillPending(before);
  }
  // For tests: the status slot table (its size is bounded by the pending requests, not by the slots ever used).
  const StatusSlotTable& status_slots() const { return by_ret_; }

  // Calls f(const PendingRequest&) for each pending request of every unit but `skip` (null: every unit), in
  // submission order per unit; stops early when f returns false. Skipping a whole unit keeps a deep queue on
  // one unit from making each schedule on it cost its depth.
  template <typename F>
  void ForEach(const ExecUnit* skip, F&& f) {
    for (auto& [unit, pending] : by_unit_) {
      if (unit == skip || pending.ring.empty()) continue;
      // One read of the unit's counter (a cache line its worker keeps writing) per list, not per request.
      const uint64_t completed = pending.ReadCompleted(unit);
      PruneIfDone(pending, completed);
      if (!ForEachIn(pending, completed, f)) return;
    }
  }
  // As ForEach, but only over the units some of whose pending requests may conflict with `r` (read what it
  // writes, or write what it reads or writes), found by their range indexes: a unit whose pending requests touch
  // other memory costs a few comparisons however many they are. f still gets every pending request of such a unit.
  template <typename F>
  void ForEachMayConflict(const ExecUnit* skip, const RequestFootprint& r, F&& f) {
    for (auto& [unit, pending] : by_unit_) {
      if (unit == skip || pending.ring.empty()) continue;
      // The index first: entries of completed requests not pruned yet can only make it say "may", so the unit's
      // counter (a cache line its worker keeps writing: a miss per read while it completes requests) is read only
      // for a unit that may conflict. Its own schedules prune its list (Reserve).
      if (!pending.MayConflict(r)) continue;
      const uint64_t completed = pending.ReadCompleted(unit);
      PruneIfDone(pending, completed);
      if (!ForEachIn(pending, completed, f)) return;
    }
  }
  // The oldest pending request on `unit`, or null.
  const PendingRequest* Oldest(const ExecUnit* unit);

 private:
  // One unit's pending requests and the ranges they read and write (entries of requests completed but not yet
  // pruned included: the index can only err towards a look at the list). The index is brought up to date only
  // when another unit's request (or a host access) asks it: requests of a unit nobody else checks against, such as
  // the only busy one, are never indexed.
  struct UnitPending {
    PendingRing ring;
    RangeIndex reads, writes;
    size_t unindexed = 0;  // entries at the back of ring not in the index yet
    // The unit's completed counter as last read. It only grows, so a request numbered at or below it is known to
    // have completed without reading the counter's cache line again.
    uint64_t completed_seen = 0;
    uint64_t ReadCompleted(const ExecUnit* unit) { return completed_seen = unit->completed(); }
    // Indexes the unindexed entries, then tells whether an indexed range may conflict with r: first by r's bounds
    // (exact for the common footprint of one read and one write range; inline, as most checks end there), then
    // range by range.
    bool MayConflict(const RequestFootprint& r) {
      if (unindexed > 0) IndexTheRest();
      const RequestFootprint::Bounds& b = r.bounds();
      if (!writes.Meets(b.read_lo, b.read_hi) && !writes.Meets(b.write_lo, b.write_hi) &&
          !reads.Meets(b.write_lo, b.write_hi)) {
        return false;
      }
      return MayConflictByRange(r);
    }
    void IndexTheRest();
    bool MayConflictByRange(const RequestFootprint& r) const;
  };

  static bool StillPending(const StatusSlotTable::Owner& o) { return o.unit->completed() < o.n; }
  // The request `owner` names if it is still pending, else null.
  const PendingRequest* IfStillPending(const StatusSlotTable::Owner& owner);

  // f over a unit's pending requests (numbered above `completed`), in submission order; false when f stopped.
  template <typename F>
  static bool ForEachIn(UnitPending& pending, uint64_t completed, F& f) {
    for (size_t i = 0; i < pending.ring.size(); ++i) {
      const PendingRequest& r = pending.ring[i];
      if (r.n > completed && !f(r)) return false;
    }
    return true;
  }
  // Drops the completed requests at the front of a unit's list (`completed`: its counter, read once).
  void Prune(UnitPending& pending, uint64_t completed);
  // Prune, but inline when there is nothing to drop (most calls: a unit completes a request now and then).
  void PruneIfDone(UnitPending& pending, uint64_t completed) {
    if (!pending.ring.empty() && pending.ring.front_number() <= completed) Prune(pending, completed);
  }
  // The unit's list, created on first use. The last unit looked up is remembered: a program schedules runs of
  // requests on one unit, and map nodes never move (no unit's list is ever erased).
  UnitPending& Of(const ExecUnit* unit) {
    if (unit != last_unit_) {
      last_pending_ = &by_unit_[unit];
      last_unit_ = unit;
    }
    return *last_pending_;
  }

  std::unordered_map<const ExecUnit*, UnitPending> by_unit_;
  const ExecUnit* last_unit_ = nullptr;
  UnitPending* last_pending_ = nullptr;
  // What the last Reserve returned, for Commit.
  UnitPending* reserved_list_ = nullptr;
  PendingRequest* reserved_ = nullptr;
  StatusSlotTable by_ret_;  // status slot -> the latest request given it (completed ones are dropped in bulk)
};

}  // namespace nrtb
