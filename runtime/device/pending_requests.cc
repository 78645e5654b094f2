#include "runtime/device/pending_requests.h"

namespace nrtb {

PendingRequest& PendingRing::push_back() {
  if (size_ == slots_.size()) {
    std::vector<PendingRequest> grown(slots_.empty() ? 16 : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) grown[i] = std::move((*this)[i]);
    slots_.swap(grown);
    head_ = 0;
  }
  return (*this)[size_++];
}

PendingRequests::SlotOwner* PendingRequests::SlotTable::Find(NRT_STATUS* key) {
  if (entries_.empty()) return nullptr;
  for (size_t i = Home(key);; i = (i + 1) & (entries_.size() - 1)) {
    if (entries_[i].key == key) return &entries_[i].owner;
    if (entries_[i].key == nullptr) return nullptr;
  }
}

void PendingRequests::SlotTable::Set(NRT_STATUS* key, SlotOwner owner) {
  if (SlotOwner* o = Find(key)) {
    *o = owner;
    return;
  }
  if ((size_ + 1) * 2 > entries_.size()) {
    std::vector<Entry> old(entries_.empty() ? 64 : entries_.size() * 2);
    old.swap(entries_);
    size_ = 0;
    for (const Entry& e : old) {
      if (e.key != nullptr) Set(e.key, e.owner);
    }
  }
  size_t i = Home(key);
  while (entries_[i].key != nullptr) i = (i + 1) & (entries_.size() - 1);
  entries_[i] = Entry{key, owner};
  ++size_;
}

void PendingRequests::SlotTable::Erase(NRT_STATUS* key) {
  if (entries_.empty()) return;
  const size_t mask = entries_.size() - 1;
  size_t i = Home(key);
  while (entries_[i].key != key) {
    if (entries_[i].key == nullptr) return;
    i = (i + 1) & mask;
  }
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

void PendingRequests::Add(RequestFootprint&& footprint, const ExecUnit* unit, uint64_t n, NRT_STATUS* ret) {
  UnitPending& pending = by_unit_[unit];
  // The hazard scans skip a unit's own list: prune it here, every 8 requests, so it stays bounded by what is in
  // flight without reading the unit's counter on every schedule.
  if (pending.ring.size() % 8 == 7) Prune(pending, unit->completed());
  PendingRequest& slot = pending.ring.push_back();
  ++pending.unindexed;
  slot.bounds = footprint.bounds();
  slot.footprint = std::move(footprint);
  slot.unit = unit;
  slot.n = n;
  slot.ret = ret;
  if (ret != nullptr) by_ret_.Set(ret, SlotOwner{unit, n});
}

bool PendingRequests::UnitPending::MayConflict(const RequestFootprint& r) {
  for (; unindexed > 0; --unindexed) {
    for (const MemoryAccess& a : ring[ring.size() - unindexed].footprint.accesses()) {
      (a.write ? writes : reads).Add(a.begin, a.end);
    }
  }
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
    if (done.ret != nullptr) {
      const SlotOwner* o = by_ret_.Find(done.ret);
      if (o != nullptr && o->unit == done.unit && o->n == done.n) by_ret_.Erase(done.ret);
    }
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

const PendingRequest* PendingRequests::WithStatusSlot(NRT_STATUS* ret) {
  const SlotOwner* found = by_ret_.Find(ret);
  if (found == nullptr) return nullptr;
  const SlotOwner owner = *found;
  if (owner.unit->completed() < owner.n) {
    // Still pending, so still in its unit's ring (pruning drops completed requests only).
    PendingRing& list = by_unit_[owner.unit].ring;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].n == owner.n) return &list[i];
    }
  }
  // Completed but not yet pruned (it is not at the front of its unit's list): forget it now.
  by_ret_.Erase(ret);
  return nullptr;
}

}  // namespace nrtb
