#include "runtime/device/pending_requests.h"

namespace nrtb {

void PendingRing::Grow() {
  std::vector<PendingRequest> grown(slots_.empty() ? 16 : slots_.size() * 2);
  for (size_t i = 0; i < size_; ++i) grown[i] = std::move((*this)[i]);
  slots_.swap(grown);
  head_ = 0;
}

PendingRequests::SlotOwner& PendingRequests::SlotTable::FindOrAdd(NRT_STATUS* key, SlotOwner owner, bool* added) {
  if ((size_ + 1) * 2 > entries_.size()) {
    std::vector<Entry> old(entries_.empty() ? 64 : entries_.size() * 2);
    old.swap(entries_);
    size_ = 0;
    bool unused;
    for (const Entry& e : old) {
      if (e.key != nullptr) FindOrAdd(e.key, e.owner, &unused);
    }
  }
  size_t i = Home(key);
  for (; entries_[i].key != nullptr; i = (i + 1) & (entries_.size() - 1)) {
    if (entries_[i].key == key) {
      *added = false;
      return entries_[i].owner;
    }
  }
  entries_[i] = Entry{key, owner};
  ++size_;
  *added = true;
  return entries_[i].owner;
}

void PendingRequests::SlotTable::EraseIfOwner(NRT_STATUS* key, SlotOwner owner) {
  if (entries_.empty()) return;
  const size_t mask = entries_.size() - 1;
  size_t i = Home(key);
  while (entries_[i].key != key) {
    if (entries_[i].key == nullptr) return;
    i = (i + 1) & mask;
  }
  if (entries_[i].owner.unit != owner.unit || entries_[i].owner.n != owner.n) return;  // given to a later request
  // Backward-shift deletion: move later entries of the probe run into the hole when their home allows it, so
  // lookups never need tombstones.
  for (size_t j = (i + 1) & mask; entries_[j].key != nullptr; j = (j + 1) & mask) {
    const size_t home = Home(entries_[j].key);
    // entries_[j] may move to i unless its home lies cyclically in (i, j].
    if (((j - home) & mask) >= ((j - i) & mask)) {
      entries_[i] = entries_[j];
      i = j;
    }
  }
  entries_[i] = Entry{};
  --size_;
}

RequestFootprint& PendingRequests::Reserve(const ExecUnit* unit, const char* api, const void* site) {
  UnitPending& pending = Of(unit);
  // The hazard scans skip a unit's own list: prune it here, every 8 requests, so it stays bounded by what is in
  // flight without reading the unit's counter on every schedule.
  if (pending.ring.size() % 8 == 7) PruneIfDone(pending, pending.ReadCompleted(unit));
  RequestFootprint& footprint = pending.ring.next().footprint;
  footprint.Reset(api, site);
  return footprint;
}

void PendingRequests::Commit(const ExecUnit* unit, uint64_t n, NRT_STATUS* ret) {
  UnitPending& pending = Of(unit);
  PendingRequest& slot = pending.ring.next();  // the slot Reserve returned: the ring did not change since
  slot.n = n;
  slot.unit = unit;
  slot.ret = ret;
  pending.ring.commit();
  ++pending.unindexed;
}

const PendingRequest* PendingRequests::ClaimStatusSlot(NRT_STATUS* ret, const ExecUnit* unit, uint64_t n) {
  bool added;
  SlotOwner& owner = by_ret_.FindOrAdd(ret, SlotOwner{unit, n}, &added);
  if (added) return nullptr;
  const SlotOwner before = owner;
  owner = SlotOwner{unit, n};
  // Completed (pruned or not): the slot was free to reuse. A program that rotates status slots gives one to a request
  // long after its previous owner completed: the counter as last read says so without another read of it.
  UnitPending& previous = Of(before.unit);
  if (previous.completed_seen >= before.n || previous.ReadCompleted(before.unit) >= before.n) return nullptr;
  // Still pending, so still in its unit's ring (pruning drops completed requests only).
  PendingRing& list = previous.ring;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].n == before.n) return &list[i];
  }
  return nullptr;
}

void PendingRequests::UnitPending::IndexTheRest() {
  for (; unindexed > 0; --unindexed) {
    for (const MemoryAccess& a : ring[ring.size() - unindexed].footprint.accesses()) {
      (a.write ? writes : reads).Add(a.begin, a.end);
    }
  }
}

bool PendingRequests::UnitPending::MayConflictByRange(const RequestFootprint& r) const {
  for (const MemoryAccess& a : r.accesses()) {
    if (writes.Meets(a.begin, a.end) || (a.write && reads.Meets(a.begin, a.end))) return true;
  }
  return false;
}

void PendingRequests::Prune(UnitPending& pending, uint64_t completed) {
  PendingRing& list = pending.ring;
  while (!list.empty() && list.front().n <= completed) {
    const PendingRequest& done = list.front();
    if (list.size() > pending.unindexed) {
      for (const MemoryAccess& a : done.footprint.accesses()) {
        (a.write ? pending.writes : pending.reads).Remove(a.begin, a.end);
      }
    } else {
      --pending.unindexed;
    }
    if (done.ret != nullptr) by_ret_.EraseIfOwner(done.ret, SlotOwner{done.unit, done.n});
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
  PendingRing& list = it->second.ring;
  for (size_t i = 0; i < list.size(); ++i) {
    const PendingRequest& r = list[i];
    if (r.n > completed && (oldest == nullptr || r.n < oldest->n)) oldest = &r;
  }
  return oldest;
}

}  // namespace nrtb
