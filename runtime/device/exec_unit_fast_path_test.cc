// The single-submitter fast path (exec_unit.h, "Submission exclusion"): the first submitting thread skips the
// submit mutex until another thread submits, runs a synchronous request, or the unit shuts down. These tests race
// each of those against the owner's submissions; they run under TSan (label unit).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "runtime/device/exec_unit.h"
#include "runtime/device/test_work.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using testing::LambdaWork;

UnitContext FastPathCtx(uint32_t depth) {
  UnitContext c;
  c.depth = depth;
  return c;
}

// Submits with back-pressure: waits for a completion while the queue is full. Returns the final status.
NRT_STATUS FastPathSubmit(ExecUnit& unit, std::unique_ptr<Work> w, NRT_STATUS* ret, uint64_t* seq) {
  while (true) {
    const uint64_t seen = unit.completed();
    NRT_STATUS s = unit.Submit(w, ret, seq);
    if (s != NRT_QUEUE_FULL) return s;
    unit.WaitCompleted(seen + 1);
  }
}

TEST(ExecUnitFastPath, TheFirstSubmitterOwnsItUntilASecondThreadSubmits) {
  ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 0), FastPathCtx(64));
  NRT_STATUS ret = NRT_FAILURE;
  uint64_t seq = 0;
  EXPECT_FALSE(unit.single_submitter_fast_path());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(FastPathSubmit(unit, std::make_unique<LambdaWork>(nullptr), &ret, &seq), NRT_SUCCESS);
    EXPECT_TRUE(unit.single_submitter_fast_path());
  }
  std::thread([&] {
    NRT_STATUS r = NRT_FAILURE;
    uint64_t s = 0;
    EXPECT_EQ(FastPathSubmit(unit, std::make_unique<LambdaWork>(nullptr), &r, &s), NRT_SUCCESS);
    unit.WaitCompleted(SeqNum(s));
    EXPECT_EQ(r, NRT_SUCCESS);
  }).join();
  EXPECT_FALSE(unit.single_submitter_fast_path());
  ASSERT_EQ(FastPathSubmit(unit, std::make_unique<LambdaWork>(nullptr), &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(SeqNum(seq), 5u);
  unit.WaitCompleted(5);
  EXPECT_EQ(ret, NRT_SUCCESS);
}

// Other threads start submitting while the owner streams on its fast path: every request gets a distinct
// number, requests run in number order, and each thread's requests run in its own submission order.
TEST(ExecUnitFastPath, SubmittersRacingTheSwitchKeepNumberingAndOrder) {
  constexpr int kThreads = 3, kOwnerRequests = 1500, kOtherRequests = 500;
  constexpr int kTotal = kOwnerRequests + kThreads * kOtherRequests;
  for (int rep = 0; rep < 8; ++rep) {
    ExecUnit unit(MakeXuId(0, XuType::kTensorOp, 1), FastPathCtx(64));
    std::vector<uint64_t> seqs(kTotal, 0);
    std::vector<NRT_STATUS> rets(kTotal, NRT_FAILURE);
    std::vector<uint64_t> ran;  // sequence numbers in the order the worker ran them (only the worker writes)
    std::vector<int> last_index(kThreads + 1, -1);
    std::atomic<bool> go{false};
    auto make = [&](int thread, int index, int slot) {
      return std::make_unique<LambdaWork>([&, thread, index, slot] {
        ran.push_back(SeqNum(seqs[slot]));  // written by Submit before the request was published
        EXPECT_GT(index, last_index[thread]) << "thread " << thread;
        last_index[thread] = index;
        return NRT_SUCCESS;
      });
    };
    std::vector<std::thread> others;
    for (int t = 1; t <= kThreads; ++t) {
      others.emplace_back([&, t] {
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        for (int i = 0; i < kOtherRequests; ++i) {
          const int slot = kOwnerRequests + (t - 1) * kOtherRequests + i;
          EXPECT_EQ(FastPathSubmit(unit, make(t, i, slot), &rets[slot], &seqs[slot]), NRT_SUCCESS);
        }
      });
    }
    for (int i = 0; i < kOwnerRequests; ++i) {
      if (i == 1 + rep * 17) go.store(true, std::memory_order_release);  // the switch lands at a different point
      ASSERT_EQ(FastPathSubmit(unit, make(0, i, i), &rets[i], &seqs[i]), NRT_SUCCESS);
    }
    for (auto& t : others) t.join();
    unit.WaitCompleted(kTotal);
    EXPECT_EQ(unit.submitted(), uint64_t{kTotal});
    ASSERT_EQ(ran.size(), size_t{kTotal});
    for (int i = 0; i < kTotal; ++i) {
      EXPECT_EQ(ran[i], uint64_t(i + 1)) << "run order is not sequence order";
      EXPECT_EQ(rets[i], NRT_SUCCESS);
    }
    EXPECT_FALSE(unit.single_submitter_fast_path());
  }
}

// Shutdown while the owner streams: every request it accepted completes (run, or failed with NRT_CLOSED), none is
// stranded behind the stopped worker, and every submission after Shutdown returns NRT_CLOSED.
TEST(ExecUnitFastPath, ShutdownRacingTheOwnerStrandsNoRequest) {
  for (int rep = 0; rep < 40; ++rep) {
    ExecUnit unit(MakeXuId(1, XuType::kTensorOp, 0), FastPathCtx(8));
    std::deque<NRT_STATUS> rets;  // stable addresses
    std::atomic<uint64_t> accepted{0};
    std::atomic<bool> closed_seen{false};
    std::thread owner([&] {
      while (true) {
        rets.push_back(NRT_FAILURE);
        uint64_t seq = 0;
        NRT_STATUS s = FastPathSubmit(unit, std::make_unique<LambdaWork>(nullptr), &rets.back(), &seq);
        if (s != NRT_SUCCESS) {
          EXPECT_EQ(s, NRT_CLOSED);
          rets.pop_back();
          break;
        }
        accepted.fetch_add(1, std::memory_order_release);
      }
      closed_seen.store(true);
    });
    while (accepted.load(std::memory_order_acquire) < uint64_t(5 + rep)) std::this_thread::yield();
    unit.Shutdown();
    owner.join();
    EXPECT_TRUE(closed_seen.load());
    EXPECT_EQ(unit.completed(), unit.submitted());
    EXPECT_EQ(unit.submitted(), rets.size());
    for (NRT_STATUS r : rets) EXPECT_TRUE(r == NRT_SUCCESS || r == NRT_CLOSED) << r;
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr);
    NRT_STATUS r = NRT_FAILURE;
    EXPECT_EQ(unit.Submit(w, &r, nullptr), NRT_CLOSED);
  }
}

// The body of the requests of the racing tests below: checks that no two run at once and that the owner's (index
// >= 0; -1 for another thread's) run in the order it submitted them, and counts them all.
struct FastPathOneAtATime {
  std::atomic<int> running{0};
  int ran = 0;  // plain: requests never overlap, and each completion publishes it to the next
  int last_owner_index = -1;

  NRT_STATUS Run(int owner_index) {
    EXPECT_EQ(running.fetch_add(1), 0);
    ++ran;
    if (owner_index >= 0) {
      EXPECT_EQ(owner_index, last_owner_index + 1);
      last_owner_index = owner_index;
    }
    running.fetch_sub(1);
    return NRT_SUCCESS;
  }
};

// Parks one submission of one unit inside the submission exclusion (ExecUnit::SetExclusiveSectionHookForTesting),
// after its checks and before it publishes: the window a revocation must wait out. Arm() on the submitting thread
// right before the call to park; Release() lets it go on.
class FastPathParking {
 public:
  explicit FastPathParking(const ExecUnit& unit) {
    unit_.store(&unit);
    state_.store(kIdle);
    ExecUnit::SetExclusiveSectionHookForTesting(&Hook);
  }
  ~FastPathParking() {
    Release();
    ExecUnit::SetExclusiveSectionHookForTesting(nullptr);
    unit_.store(nullptr);
  }
  FastPathParking(const FastPathParking&) = delete;
  FastPathParking& operator=(const FastPathParking&) = delete;

  void Arm() { state_.store(kArmed); }
  void WaitUntilParked() const {
    while (state_.load() != kParked) std::this_thread::yield();
  }
  void Release() { state_.store(kReleased); }

 private:
  enum State { kIdle, kArmed, kParked, kReleased };
  static void Hook(ExecUnit& unit) {
    int armed = kArmed;
    if (&unit != unit_.load() || !state_.compare_exchange_strong(armed, kParked)) return;
    while (state_.load() != kReleased) std::this_thread::yield();
  }
  static inline std::atomic<const ExecUnit*> unit_{nullptr};
  static inline std::atomic<int> state_{kIdle};
};

// Parks the owner inside its exclusive section (after `submit(unit)` made it the owner), runs Shutdown on another
// thread and checks that Shutdown waits for the owner to leave the section: a Shutdown that returned meanwhile would
// let the owner publish a request after the unit stopped (stranded, or run after nrt_close freed what it uses).
// `submit` is one submission (Submit or RunSync); returns the parked submission's status.
template <typename SubmitOne>
NRT_STATUS ShutdownAgainstAParkedOwner(ExecUnit& unit, SubmitOne submit) {
  FastPathParking parking(unit);
  NRT_STATUS parked_status = NRT_FAILURE;
  std::thread owner([&] {
    EXPECT_EQ(submit(unit), NRT_SUCCESS);  // makes this thread the owner
    EXPECT_TRUE(unit.single_submitter_fast_path());
    parking.Arm();
    parked_status = submit(unit);
  });
  parking.WaitUntilParked();
  std::atomic<bool> shut{false};
  std::thread closer([&] {
    unit.Shutdown();
    shut.store(true);
  });
  // Revoked (or, if the revocation is broken, Shutdown already returned).
  while (unit.single_submitter_fast_path() && !shut.load()) std::this_thread::yield();
  // A correct Shutdown is now waiting for the parked owner, and returns only after Release(). 50 ms is the time a
  // broken one gets to show itself; a correct one passes however long this takes.
  for (int i = 0; i < 50 && !shut.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_FALSE(shut.load()) << "Shutdown returned while the owner was inside its submission";
  parking.Release();
  owner.join();
  closer.join();
  EXPECT_EQ(unit.completed(), unit.submitted()) << "a request was published after Shutdown and never completed";
  return parked_status;
}

TEST(ExecUnitFastPath, ShutdownWaitsForAnOwnerParkedInsideItsSubmission) {
  ExecUnit unit(MakeXuId(1, XuType::kTensorOp, 1), FastPathCtx(8));
  std::deque<NRT_STATUS> rets;
  const NRT_STATUS s = ShutdownAgainstAParkedOwner(unit, [&](ExecUnit& u) {
    rets.push_back(NRT_FAILURE);
    std::unique_ptr<Work> w = std::make_unique<LambdaWork>(nullptr);
    return u.Submit(w, &rets.back(), nullptr);
  });
  EXPECT_EQ(s, NRT_SUCCESS) << "it was past its checks when Shutdown began: accepted";
  ASSERT_EQ(rets.size(), 2u);
  EXPECT_EQ(unit.submitted(), 2u);
  for (NRT_STATUS r : rets) EXPECT_TRUE(r == NRT_SUCCESS || r == NRT_CLOSED) << r;
}

TEST(ExecUnitFastPath, ShutdownWaitsForAnOwnerParkedInsideItsSynchronousRequest) {
  ExecUnit unit(MakeXuId(1, XuType::kCompute, 1), FastPathCtx(8));
  std::atomic<int> ran{0};
  const NRT_STATUS s = ShutdownAgainstAParkedOwner(unit, [&](ExecUnit& u) {
    return u.RunSync(std::make_unique<LambdaWork>([&] {
      ran.fetch_add(1);
      return NRT_SUCCESS;
    }));
  });
  // Inside the section when Shutdown began: it runs (or, stopped before it started, fails with NRT_CLOSED), and
  // Shutdown returned only after it completed.
  EXPECT_TRUE(s == NRT_SUCCESS || s == NRT_CLOSED) << s;
  EXPECT_EQ(unit.submitted(), 2u);
  EXPECT_EQ(ran.load(), s == NRT_SUCCESS ? 2 : 1);
}

// nrt_execute alone makes its thread the owner: its synchronous requests skip the mutex too, and a second thread's
// request takes it back for good.
TEST(ExecUnitFastPath, ASynchronousRequestMakesItsThreadTheOwner) {
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 1), FastPathCtx(8));
  EXPECT_FALSE(unit.single_submitter_fast_path());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>(nullptr)), NRT_SUCCESS);
    EXPECT_TRUE(unit.single_submitter_fast_path());
  }
  std::thread([&] { EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>(nullptr)), NRT_SUCCESS); }).join();
  EXPECT_FALSE(unit.single_submitter_fast_path());
  EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>(nullptr)), NRT_SUCCESS);
  EXPECT_EQ(unit.submitted(), 5u);
  EXPECT_EQ(unit.completed(), 5u);
}

// The owner mixes synchronous and scheduled requests while another thread starts submitting: requests never
// overlap, the owner's run in its order, every one completes with its own status.
TEST(ExecUnitFastPath, AnOwnerMixingSyncAndScheduledRequestsRacingAnotherSubmitterRunsOneAtATime) {
  constexpr int kOwnerRequests = 600, kOther = 200;
  for (int rep = 0; rep < 4; ++rep) {
    ExecUnit unit(MakeXuId(0, XuType::kCompute, 2), FastPathCtx(16));
    FastPathOneAtATime checker;
    auto body = [&](int owner_index) { return checker.Run(owner_index); };
    std::deque<NRT_STATUS> rets;
    std::atomic<bool> go{false};
    std::thread other([&] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      std::vector<NRT_STATUS> other_rets(kOther, NRT_FAILURE);
      uint64_t seq = 0;
      for (int i = 0; i < kOther; ++i) {
        EXPECT_EQ(FastPathSubmit(unit, std::make_unique<LambdaWork>([&] { return body(-1); }), &other_rets[i], &seq),
                  NRT_SUCCESS);
      }
      unit.WaitCompleted(SeqNum(seq));
      for (NRT_STATUS r : other_rets) EXPECT_EQ(r, NRT_SUCCESS);
    });
    uint64_t seq = 0;
    for (int i = 0; i < kOwnerRequests; ++i) {
      if (i == 2 + rep * 37) go.store(true, std::memory_order_release);
      if (i % 3 == 0) {
        ASSERT_EQ(unit.RunSync(std::make_unique<LambdaWork>([&, i] { return body(i); })), NRT_SUCCESS);
      } else {
        rets.push_back(NRT_FAILURE);
        ASSERT_EQ(FastPathSubmit(unit, std::make_unique<LambdaWork>([&, i] { return body(i); }), &rets.back(), &seq),
                  NRT_SUCCESS);
      }
    }
    other.join();
    unit.WaitCompleted(unit.submitted());
    EXPECT_EQ(checker.ran, kOwnerRequests + kOther);
    EXPECT_EQ(unit.submitted(), uint64_t{kOwnerRequests + kOther});
    for (NRT_STATUS r : rets) EXPECT_EQ(r, NRT_SUCCESS);
    EXPECT_FALSE(unit.single_submitter_fast_path());
  }
}

// The unit turns fatal (from a request on the worker) while the owner streams: every request before the fatal one
// succeeds, every accepted one after it fails with NRT_EXEC_UNIT_UNRECOVERABLE, all complete, and the owner's
// submissions end with NRT_EXEC_UNIT_UNRECOVERABLE.
TEST(ExecUnitFastPath, AFatalUnitRacingTheOwnerCompletesEveryRequest) {
  constexpr uint64_t kFatalAt = 20;
  for (int rep = 0; rep < 10; ++rep) {
    ExecUnit unit(MakeXuId(1, XuType::kCompute, 0), FastPathCtx(8));
    std::deque<NRT_STATUS> rets;
    NRT_STATUS s = NRT_SUCCESS;
    for (uint64_t i = 1; s == NRT_SUCCESS; ++i) {
      rets.push_back(NRT_FAILURE);
      std::unique_ptr<Work> w = std::make_unique<LambdaWork>([&unit, i] {
        if (i == kFatalAt) unit.MakeFatal("test: fatal at request " + std::to_string(i));
        return NRT_SUCCESS;
      });
      uint64_t seq = 0;
      s = FastPathSubmit(unit, std::move(w), &rets.back(), &seq);
      if (s != NRT_SUCCESS) rets.pop_back();
      ASSERT_LT(i, 100000u) << "the fatal unit kept accepting requests";
    }
    EXPECT_EQ(s, NRT_EXEC_UNIT_UNRECOVERABLE);
    unit.WaitCompleted(unit.submitted());
    ASSERT_GE(rets.size(), kFatalAt);
    for (uint64_t i = 0; i < rets.size(); ++i) {
      // The fatal request itself ran to its end; the unit refuses what comes after it.
      EXPECT_EQ(rets[i], i < kFatalAt ? NRT_SUCCESS : NRT_EXEC_UNIT_UNRECOVERABLE) << "request " << i + 1;
    }
  }
}

// A synchronous request on another thread revokes the fast path; inline and scheduled requests still run one
// at a time, the owner's in its order.
TEST(ExecUnitFastPath, RunSyncOnAnotherThreadRacingTheOwnerRunsOneAtATime) {
  constexpr int kOwnerRequests = 400, kSync = 100;
  ExecUnit unit(MakeXuId(0, XuType::kCompute, 0), FastPathCtx(16));
  FastPathOneAtATime checker;
  auto body = [&](int owner_index) { return checker.Run(owner_index); };
  std::vector<NRT_STATUS> rets(kOwnerRequests, NRT_FAILURE);
  std::atomic<bool> go{false};
  std::thread sync([&] {
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    for (int i = 0; i < kSync; ++i)
      EXPECT_EQ(unit.RunSync(std::make_unique<LambdaWork>([&] { return body(-1); })), NRT_SUCCESS);
  });
  uint64_t seq = 0;
  for (int i = 0; i < kOwnerRequests; ++i) {
    if (i == 3) go.store(true, std::memory_order_release);
    ASSERT_EQ(FastPathSubmit(unit, std::make_unique<LambdaWork>([&, i] { return body(i); }), &rets[i], &seq),
              NRT_SUCCESS);
  }
  sync.join();
  unit.WaitCompleted(unit.submitted());
  EXPECT_EQ(checker.ran, kOwnerRequests + kSync);
  EXPECT_EQ(unit.submitted(), uint64_t{kOwnerRequests + kSync});
  for (NRT_STATUS r : rets) EXPECT_EQ(r, NRT_SUCCESS);
  EXPECT_FALSE(unit.single_submitter_fast_path());
}

}  // namespace
}  // namespace nrtb
