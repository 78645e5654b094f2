#include "runtime/collectives/local_exchange.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <thread>
#include <tuple>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"
#include "runtime/device/device_access.h"
#include "runtime/device/sim_clock.h"

namespace nrtb {
namespace {

// Data is moved in pieces of this size, so a failed round is noticed within about a millisecond.
constexpr uint64_t kPieceBytes = 1 << 20;
// How often a sleeping rank looks at its deadline and stop flag.
constexpr auto kPollInterval = std::chrono::milliseconds(5);
// How long a rank spins for its peers before it sleeps. The ranks of an in-process collective usually
// arrive within microseconds of each other; a sleep and a wake-up cost ~10 us each on a loaded VM, and
// an all-reduce has three meeting points. The spin yields every few polls, so a peer waiting for this
// CPU (more ranks than cores) gets it.
constexpr uint64_t kSpinNs = 50'000;
constexpr int kPollsPerYield = 64;
// Reductions go block by block: the partial result of more than two inputs stays in the cache between
// inputs, and each finished block is copied into the other ranks' outputs while it is still in L1 (8 KiB:
// its two inputs and its result fit beside each other in a 32 KiB L1; 1 MiB all-reduce on 2 ranks,
// 32 KiB blocks 75 us, 8 KiB 64 us, bench/README.md).
constexpr uint64_t kReduceBlockBytes = 8 << 10;

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("isb" ::: "memory");
#endif
}

// Polls `done` for up to `budget_ns`; true as soon as it holds.
template <typename Done>
bool SpinUntil(Done done, uint64_t budget_ns) {
  const uint64_t deadline = NowNs() + budget_ns;
  for (int i = 1;; ++i) {
    if (done()) return true;
    if (i % kPollsPerYield == 0) {
      if (NowNs() >= deadline) return false;
      std::this_thread::yield();
    } else {
      CpuRelax();
    }
  }
}

// dst = src(0) op src(1) op ... op src(n-1), `count` elements each; src(0) may be dst (in place). Goes
// block by block and hands each finished block to `done(offset, block, bytes)` while it is in the cache.
template <typename Src, typename Done>
void ReduceAll(const CcPlan& plan, uint32_t n, uint8_t* dst, Src src, uint64_t count, Done done) {
  const uint64_t elem = std::max<uint64_t>(1, DTypeSize(plan.dtype));
  const uint64_t block = std::max<uint64_t>(1, kReduceBlockBytes / elem);
  for (uint64_t i = 0; i < count; i += block) {
    const uint64_t len = std::min(block, count - i);
    uint8_t* d = dst + i * elem;
    if (n == 1) {
      if (d != src(0) + i * elem) std::memcpy(d, src(0) + i * elem, len * elem);
    } else {
      plan.reduce(d, src(0) + i * elem, src(1) + i * elem, len);
      for (uint32_t j = 2; j < n; ++j) plan.reduce(d, d, src(j) + i * elem, len);
    }
    done(i * elem, d, len * elem);
  }
}

bool Overlap(const uint8_t* a, uint64_t an, const uint8_t* b, uint64_t bn) { return a < b + bn && b < a + an; }

// An output may be exactly one of my inputs (in place) but not overlap any input otherwise: the
// other ranks read my inputs while I write my outputs.
bool BadAlias(const CcPlan& p) {
  for (const Chunk& o : p.outputs) {
    for (size_t i = 0; i < p.inputs.size(); ++i) {
      const Chunk& in = p.inputs[i];
      if (!Overlap(o.data(), o.size, in.data(), in.size)) continue;
      const bool same = o.data() == in.data() && o.size == in.size;
      // In place: all-reduce output i on input i, reduce-scatter output on my chunk, all-gather input on my chunk.
      if (same && p.kind == CcKind::kAllReduce && &o - p.outputs.data() == static_cast<ptrdiff_t>(i)) continue;
      if (same && p.kind == CcKind::kReduceScatter && i == p.index) continue;
      if (same && p.kind == CcKind::kAllGather && &o - p.outputs.data() == static_cast<ptrdiff_t>(p.index)) continue;
      return true;
    }
  }
  return false;
}

std::string Disagreement(const CcPlan& a, const CcPlan& b) {
  auto sizes = [](const std::vector<Chunk>& v) {
    std::vector<uint64_t> s;
    for (const Chunk& c : v) s.push_back(c.size);
    return s;
  };
  if (a.kind != b.kind || a.dtype != b.dtype || (a.reduce != nullptr && a.op != b.op) ||
      sizes(a.inputs) != sizes(b.inputs) || sizes(a.outputs) != sizes(b.outputs)) {
    return "the ranks' collectives do not match: " + a.Describe() + " vs " + b.Describe();
  }
  return "";
}

}  // namespace

// The round's progress is in atomics so that ranks arriving close together (the common case: one rank
// per thread, on cores of their own) pass each other without a lock or a sleep: a waiter spins for
// kSpinNs, then sleeps on `cv`. Whoever advances a counter wakes the sleepers, if any.
struct LocalExchange::Round {
  explicit Round(uint32_t n) : posts(n, nullptr), claims(n) {}
  std::mutex mu;  // only for sleeping on cv
  std::condition_variable cv;
  std::vector<const CcPlan*> posts;  // valid while their ranks are in the round
  uint32_t joined = 0;               // guarded by LocalExchange::mu_: ranks that looked the round up
  std::atomic<uint32_t> posted{0};
  std::atomic<bool> checked{false};   // the last poster compared the plans (`invalid` is set before)
  std::atomic<uint32_t> passed{0};    // ranks past the closing barrier
  std::atomic<uint32_t> working{0};   // ranks reading or writing the others' buffers now
  std::atomic<uint32_t> sleepers{0};  // ranks asleep (or about to be) on cv
  std::string invalid;                // the plans disagree (set once all posted)
  std::atomic<bool> failed{false};    // a rank gave up: the others stop and fail
  // All-reduce: the next unclaimed block of each rank's slice, one cache line each, as each is mostly
  // touched by its own rank only.
  struct alignas(64) Claim {
    std::atomic<uint64_t> next{0};
  };
  std::vector<Claim> claims;
  std::atomic<uint64_t> blocks_done{0};  // all-reduce blocks reduced and copied out, by all ranks

  // After a change a sleeper may wait for. seq_cst against `sleepers`: a waiter that counted itself in
  // before we changed the state is woken; one that did not sees the change when it looks under mu.
  void Wake() {
    if (sleepers.load() == 0) return;
    { std::lock_guard<std::mutex> lock(mu); }
    cv.notify_all();
  }
  // Enters a stretch of touching the other ranks' buffers; false (and not entered) when the round failed.
  // A rank that fails the round waits for `working` to drop to 0 before it leaves, so whichever of the
  // two sees the other first, no rank touches a buffer its owner stopped vouching for.
  bool EnterWork() {
    working.fetch_add(1);
    if (!failed.load()) return true;
    LeaveWork();
    return false;
  }
  void LeaveWork() {
    if (working.fetch_sub(1) == 1 && failed.load()) Wake();
  }
};

LocalExchange::LocalExchange() = default;
LocalExchange::~LocalExchange() = default;

std::shared_ptr<LocalExchange::Round> LocalExchange::Join(const CcPlan& plan, uint32_t channel, uint64_t* k) {
  std::lock_guard<std::mutex> lock(mu_);
  *k = next_[{channel, plan.group, plan.my_rank()}]++;
  auto key = std::make_tuple(channel, plan.group, *k);
  auto it = rounds_.find(key);
  if (it != rounds_.end()) {
    std::shared_ptr<Round> r = it->second;
    // The last rank in: nobody else will look the round up.
    if (++r->joined == plan.size()) rounds_.erase(it);
    return r;
  }
  auto r = std::make_shared<Round>(plan.size());
  r->joined = 1;
  if (plan.size() > 1) rounds_.emplace(key, r);
  return r;
}

NRT_STATUS LocalExchange::Run(const CcPlan& plan, uint32_t channel) {
  uint64_t k = 0;
  std::shared_ptr<Round> round = Join(plan, channel, &k);
  Round& r = *round;
  const uint32_t n = plan.size(), me = plan.index;

  // Fails the round and waits until no rank touches the others' buffers (ours among them).
  auto fail_and_drain = [&] {
    r.failed.store(true);
    r.Wake();
    r.sleepers.fetch_add(1);
    std::unique_lock<std::mutex> lock(r.mu);
    r.cv.wait(lock, [&] { return r.working.load() == 0; });
    r.sleepers.fetch_sub(1);
  };
  // Waits for `done`; false when the round failed. A deadline or stop fails the round and, once no
  // rank is still moving data, lets the interruption through.
  auto await = [&](auto done) {
    // `failed` is read after `done`: a round that failed before `done` held may have cut a rank's data
    // movement short (pieces), so it must not count as passed even though every rank got here.
    SpinUntil([&] { return done() || r.failed.load(std::memory_order_relaxed); }, kSpinNs);
    if (done() && !r.failed.load()) return true;
    r.sleepers.fetch_add(1);
    std::unique_lock<std::mutex> lock(r.mu);
    while (!r.failed.load() && !done()) {
      r.cv.wait_for(lock, kPollInterval);
      if (r.failed.load() || done()) break;
      lock.unlock();
      try {
        CheckComputeInterrupt();
      } catch (const ComputeInterrupted&) {
        r.sleepers.fetch_sub(1);
        fail_and_drain();
        throw;
      }
      lock.lock();
    }
    lock.unlock();
    r.sleepers.fetch_sub(1);
    if (!r.failed.load()) return true;  // done held, and failed is read after it
    fail_and_drain();                   // already failed: only waits for the ranks still working
    return false;
  };
  // Runs `move` (our share of the data movement) counted in `working`; false when the round failed.
  auto work = [&](auto move) {
    if (!r.EnterWork()) return false;
    {
      DeviceAccessScope device;
      move();
    }
    r.LeaveWork();
    return true;
  };
  auto barrier = [&] {
    if (r.passed.fetch_add(1) + 1 == n) r.Wake();
    return await([&] { return r.passed.load(std::memory_order_acquire) == n; });
  };
  const uint64_t elem = std::max<uint64_t>(1, DTypeSize(plan.dtype));
  // Copies or reduces in pieces, stopping when the round fails.
  auto pieces = [&](uint64_t bytes, auto f) {
    const uint64_t step = kPieceBytes / elem * elem;
    for (uint64_t off = 0; off < bytes && !r.failed.load(std::memory_order_relaxed); off += step) {
      f(off, std::min(step, bytes - off));
    }
  };

  // A rank that arrives after the round failed (a peer gave up on it) fails too, without posting.
  if (r.failed.load()) return NRT_EXEC_HW_ERR_COLLECTIVES;
  r.posts[me] = &plan;
  if (r.posted.fetch_add(1) + 1 == n) {
    // The last poster compares the plans, counted as working: a rank that gave up meanwhile (its plan
    // gone) waits for us, or we see that it failed the round and compare nothing.
    if (r.EnterWork()) {
      for (uint32_t j = 0; j < n && r.invalid.empty(); ++j) {
        if (BadAlias(*r.posts[j])) {
          r.invalid = "rank " + std::to_string(r.posts[j]->my_rank()) +
                      "'s output overlaps its input other than in place (" + r.posts[j]->Describe() + ")";
        } else if (j > 0) {
          r.invalid = Disagreement(*r.posts[0], *r.posts[j]);
        }
      }
      r.checked.store(true);
      r.Wake();
      r.LeaveWork();
    }
  }
  if (!await([&] { return r.checked.load(std::memory_order_acquire); })) return NRT_EXEC_HW_ERR_COLLECTIVES;
  if (!r.invalid.empty()) throw Error(NRT_INVALID, r.invalid);

  const auto& posts = r.posts;
  // Peers in the order me+1, me+2, ...: ranks start on different buffers.
  auto peer = [&](uint32_t i) { return (me + i) % n; };
  switch (plan.kind) {
    case CcKind::kBarrier:
      return NRT_SUCCESS;
    case CcKind::kAllGather:
      if (!work([&] {
            for (uint32_t j = 0; j < n; ++j) {
              uint8_t* dst = plan.outputs[j].data();
              const uint8_t* src = posts[j]->inputs[0].data();
              if (dst != src)
                pieces(plan.outputs[j].size, [&](uint64_t o, uint64_t len) { std::memcpy(dst + o, src + o, len); });
            }
          }))
        return fail_and_drain(), NRT_EXEC_HW_ERR_COLLECTIVES;
      break;
    case CcKind::kReduceScatter:
      if (!work([&] {
            pieces(plan.outputs[0].size, [&](uint64_t o, uint64_t len) {
              ReduceAll(
                  plan, n, plan.outputs[0].data() + o,
                  [&](uint32_t i) { return posts[peer(i)]->inputs[me].data() + o; }, len / elem,
                  [](uint64_t, const uint8_t*, uint64_t) {});
            });
          }))
        return fail_and_drain(), NRT_EXEC_HW_ERR_COLLECTIVES;
      break;
    case CcKind::kAllReduce: {
      // Slice j of every buffer (whole elements) belongs to rank j, which reduces it block by block: it reads
      // the block of every input and writes the result into every output. A rank done with its own slice
      // helps with the others' (me+1, me+2, ...), claiming blocks from the slice's counter, so a rank that
      // lost its CPU (more ranks than cores, or a loaded machine) does not hold every other rank in the
      // end. A block is reduced by exactly one rank, which reads all its inputs before writing its outputs: an
      // in-place rank's input is read before it is overwritten, and no barrier is needed between the reduction
      // and the copies. A rank is done once every block is: no rank touches another's buffers after that (a
      // claim past the last block touches nothing), so it need not wait for the others to pass a barrier, and
      // a rank that had no CPU while its peers did all the work completes as soon as it runs.
      const uint64_t block = std::max<uint64_t>(1, kReduceBlockBytes / elem) * elem;
      auto slice = [&](uint64_t bytes, uint32_t j) {
        const uint64_t elems = bytes / elem;
        return std::make_pair(elems * j / n * elem, elems * (j + 1) / n * elem);
      };
      uint64_t total = 0, mine = 0;  // blocks of the whole all-reduce, blocks this rank did
      for (const Chunk& out : plan.outputs) {
        for (uint32_t j = 0; j < n; ++j) {
          const std::pair<uint64_t, uint64_t> range = slice(out.size, j);
          total += (range.second - range.first + block - 1) / block;
        }
      }
      auto reduce_slice = [&](uint32_t j) {
        std::atomic<uint64_t>& next = r.claims[j].next;
        while (!r.failed.load(std::memory_order_relaxed)) {
          // The claimed block, numbered across the outputs' slices j in order.
          uint64_t b = next.fetch_add(1, std::memory_order_relaxed);
          size_t p = 0;
          uint64_t lo = 0, hi = 0;
          for (; p < plan.outputs.size(); ++p) {
            std::tie(lo, hi) = slice(plan.outputs[p].size, j);
            const uint64_t blocks = (hi - lo + block - 1) / block;
            if (b < blocks) break;
            b -= blocks;
          }
          if (p == plan.outputs.size()) return;  // the slice is done (or being finished by its claimers)
          const uint64_t off = lo + b * block, len = std::min(block, hi - off);
          ReduceAll(
              plan, n, plan.outputs[p].data() + off, [&](uint32_t i) { return posts[peer(i)]->inputs[p].data() + off; },
              len / elem,
              [&](uint64_t, const uint8_t* result, uint64_t bytes) {
                for (uint32_t i = 1; i < n; ++i) std::memcpy(posts[peer(i)]->outputs[p].data() + off, result, bytes);
              });
          ++mine;
        }
      };
      if (!work([&] {
            for (uint32_t i = 0; i < n; ++i) reduce_slice(peer(i));
          }))
        return fail_and_drain(), NRT_EXEC_HW_ERR_COLLECTIVES;
      if (r.blocks_done.fetch_add(mine) + mine == total) r.Wake();
      return await([&] { return r.blocks_done.load(std::memory_order_acquire) == total; })
                 ? NRT_SUCCESS
                 : NRT_EXEC_HW_ERR_COLLECTIVES;
    }
  }
  if (!barrier()) return NRT_EXEC_HW_ERR_COLLECTIVES;
  return NRT_SUCCESS;
}

}  // namespace nrtb
