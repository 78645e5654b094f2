// The storage fence table: which host operations wait for which pending executions.
#include "fence_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace nrt_shim {
namespace {

constexpr Range kParent{1000, 2000};
constexpr Range kSliceInParent{1500, 1600};
constexpr Range kElsewhere{3000, 3100};

// Runs wait on a thread; true if it is still blocked after a moment, and it returns once release ran.
template <class Wait, class ReleaseFn>
bool BlocksUntil(Wait wait, ReleaseFn release) {
  std::atomic<bool> done{false};
  std::thread t([&] {
    wait();
    done = true;
  });
  // A negative check: the thread had ample time to return if the table let it through (it cannot fail
  // spuriously, only pass on a very slow machine).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const bool blocked = !done.load();
  release();
  t.join();
  return blocked && done.load();
}

TEST(FenceTable, IdleWhenNothingPending) {
  FenceTable f;
  EXPECT_TRUE(f.Idle());
  auto t = f.Acquire({kParent}, {});
  EXPECT_FALSE(f.Idle());
  f.Release(t);
  EXPECT_TRUE(f.Idle());
  f.WaitForWriters(kParent);  // returns at once
}

TEST(FenceTable, ReadWaitsForPendingWriter) {
  FenceTable f;
  auto t = f.Acquire({}, {kParent});
  EXPECT_TRUE(BlocksUntil([&] { f.WaitForReaders(kParent); }, [&] { f.Release(t); }));
}

TEST(FenceTable, ReadDoesNotWaitForPendingReader) {
  FenceTable f;
  auto t = f.Acquire({kParent}, {});
  f.WaitForReaders(kParent);  // would hang the test (ctest timeout) if it waited
  f.Release(t);
}

TEST(FenceTable, WriteWaitsForPendingReader) {
  FenceTable f;
  auto t = f.Acquire({kParent}, {});
  EXPECT_TRUE(BlocksUntil([&] { f.WaitForWriters(kParent); }, [&] { f.Release(t); }));
}

TEST(FenceTable, SliceSharesItsParentsFence) {
  FenceTable f;
  auto t = f.Acquire({}, {kParent});
  EXPECT_TRUE(BlocksUntil([&] { f.WaitForReaders(kSliceInParent); }, [&] { f.Release(t); }));
  auto u = f.Acquire({}, {kSliceInParent});
  EXPECT_TRUE(BlocksUntil([&] { f.WaitForWriters(kParent); }, [&] { f.Release(u); }));
}

TEST(FenceTable, DisjointStorageDoesNotWait) {
  FenceTable f;
  auto t = f.Acquire({kParent}, {kParent});
  f.WaitForWriters(kElsewhere);
  f.WaitForReaders(Range{2000, 2100});  // adjacent, not overlapping
  f.WaitForWriters(Range{1500, 1500});  // empty
  f.Release(t);
}

TEST(FenceTable, WaitsForEveryOverlappingExecution) {
  FenceTable f;
  auto a = f.Acquire({}, {kParent});
  auto b = f.Acquire({kSliceInParent}, {});
  std::atomic<bool> done{false};
  std::thread t([&] {
    f.WaitForWriters(kParent);
    done = true;
  });
  f.Release(a);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(done.load()) << "returned while a reader was pending";
  f.Release(b);
  t.join();
  EXPECT_TRUE(done.load());
  EXPECT_TRUE(f.Idle());
}

TEST(FenceTable, ReleaseOfTokenZeroIsANoOp) {
  FenceTable f;
  f.Release(0);
  EXPECT_TRUE(f.Idle());
}

}  // namespace
}  // namespace nrt_shim
