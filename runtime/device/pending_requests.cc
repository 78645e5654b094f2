#include "runtime/device/pending_requests.h"

namespace nrtb {

void PendingRing::Grow() {
  std::vector<PendingRequest> grown(slots_.empty() ? 16 : slots_.size() * 2);
  std::vector<uint64_t> numbers(grown.size());
  for (size_t i = 0; i < size_; ++i) {
    numbers[i] = numbers_[(head_ + i) & (slots_.size() - 1)];
    grown[i] = std::move((*this)[i]);
  }
  slots_.swap(grown);
  numbers_.swap(numbers);
  head_ = 0;
}

void PendingRing::RestartIfFew() {
  // Only when the requests left lie apart from their destination and do not wrap: a plain forward move then (other
  // cases wait for the next prune).
  if (head_ == 0 || size_ > kRestartMax || head_ < size_ || head_ + size_ > slots_.size()) return;
  for (size_t i = 0; i < size_; ++i) {
    slots_[i] = std::move(slots_[head_ + i]);
    numbers_[i] = numbers_[head_ + i];
  }
  head_ = 0;
}

RequestFootprint& PendingRequests::Reserve(const ExecUnit* unit, const char* api, const void* site) {
  UnitPending& pending = Of(unit);
  // The hazard scans skip a unit's own list: prune it here, every 8 requests, so it stays bounded by what is in
  // flight without reading the unit's counter on every schedule.
  if (pending.ring.size() % 8 == 7) PruneIfDone(pending, pending.ReadCompleted(unit));
  reserved_list_ = &pending;
  reserved_ = &pending.ring.next();
  reserved_->footprint.Reset(api, site);
  return reserved_->footprint;
}

const PendingRequest* PendingRequests::IfStillPending(const StatusSlotTable::Owner& before) {
  // Completed (pruned or not): the slot was free to reuse.
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
  while (!list.empty() && list.front_number() <= completed) {
    // Only an indexed request's slot is read (to take its ranges out of the index): a queue nobody checks against,
    // such as the only busy one, is pruned from the compact numbers alone.
    if (list.size() > pending.unindexed) {
      for (const MemoryAccess& a : list.front().footprint.accesses()) {
        (a.write ? pending.writes : pending.reads).Remove(a.begin, a.end);
      }
    } else {
      --pending.unindexed;
    }
    list.pop_front();
  }
  list.RestartIfFew();
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
