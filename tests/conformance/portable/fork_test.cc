// fork and the runtime. A child of an initialised parent gets NRT_FAILURE from every call, at once, without
// waiting on any lock a parent thread may have held at fork time. A child forked before the parent ever called
// nrt_init, or after nrt_close, starts a runtime of its own (fork-then-init, as servers fork their workers).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "nrtest.h"
#include "nrtest/sanitizers.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

NRT_STATUS Init() { return nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""); }

// A runtime of the child's own: a host tensor written and read back. Exit code 0 when it works.
int UseOwnRuntime() {
  if (Init() != NRT_SUCCESS) return 20;
  nrt_tensor_t* t = nullptr;
  if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "child", &t) != NRT_SUCCESS) return 21;
  char in[64], out[64] = {};
  std::memset(in, 0x3c, sizeof in);
  if (nrt_tensor_write(t, in, 0, sizeof in) != NRT_SUCCESS) return 22;
  if (nrt_tensor_read(t, out, 0, sizeof out) != NRT_SUCCESS) return 23;
  if (std::memcmp(in, out, sizeof in) != 0) return 24;
  nrt_tensor_free(&t);
  nrt_close();
  return 0;
}

TEST(Fork, ChildForkedBeforeInitCanInitialise) {
  EXPECT_EQ(ExitCodeInFork(UseOwnRuntime), 0);
  // And the parent too, afterwards.
  ASSERT_EQ(Init(), NRT_SUCCESS);
  nrt_close();
}

TEST(Fork, ChildForkedAfterCloseCanInitialise) {
  ASSERT_EQ(Init(), NRT_SUCCESS);
  nrt_close();
  EXPECT_EQ(ExitCodeInFork(UseOwnRuntime), 0);
}

TEST(Fork, ChildOfInitialisedParentCannotInitialise) {
  ASSERT_EQ(Init(), NRT_SUCCESS);
  EXPECT_EQ(ExitCodeInFork([] {
              if (Init() != NRT_FAILURE) return 1;
              nrt_tensor_t* t = nullptr;
              return nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "t", &t) == NRT_FAILURE ? 0 : 2;
            }),
            0);
  nrt_close();
}

// Defect 1: children forked while parent threads are inside nrt_init / nrt_close (the transition lock) and
// inside the handle registries (free, destroy, size, output completion) must not hang. Each child calls the
// six functions that used to deadlock, then either gets NRT_FAILURE (forked while the parent was initialised)
// or, forked between close and init, initialises a runtime of its own.
TEST(Fork, ChildrenForkedWhileParentThreadsHoldLocksNeverHang) {
#if NRTEST_UNDER_ASAN
  // clang 14's ASan allocator is not fork-safe: a child forked while another parent thread is inside malloc
  // can block in its first allocation (llvm-project issue 63224; newer compiler-rt locks the allocator around
  // fork). The child's malloc is not ours to fix, and the release and TSan builds run this test.
  GTEST_SKIP() << "ASan's allocator (clang 14) can deadlock a forked child by itself";
#endif
#if NRTEST_UNDER_TSAN
  // GCC 12's ThreadSanitizer runtime has the same defect in its own bookkeeping: a child forked while a parent
  // thread is inside the runtime's stack depot (every allocation records its stack there) spins forever on the
  // depot's allocator lock in its first allocation (seen here: operator new -> __tsan::MetaMap::AllocBlock ->
  // StackDepotPut -> PersistentAllocator::refillAndAlloc -> StaticSpinMutex::LockSlow, 1 run in ~30 under
  // load). Not our lock: the release build runs this test, and the other Fork tests run under TSan.
  GTEST_SKIP() << "GCC 12's TSan runtime can deadlock a forked child in its stack depot by itself";
#endif
  // Parent threads and children log (stale handles after a re-init, calls in a child): a child must not wait
  // for a logging lock either. The lines go to /dev/null.
  std::fflush(stderr);
  const int saved_stderr = dup(2), devnull = open("/dev/null", O_WRONLY);
  ASSERT_GE(devnull, 0);
  dup2(devnull, 2);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  // Cycles the runtime: nrt_init and nrt_close hold the transition lock, and close frees what the others use.
  threads.emplace_back([&] {
    while (!stop.load()) {
      if (Init() != NRT_SUCCESS) continue;
      for (int i = 0; i < 50 && !stop.load(); ++i) std::this_thread::yield();
      nrt_close();
      for (int i = 0; i < 50 && !stop.load(); ++i) std::this_thread::yield();  // children of a closed parent too
    }
  });
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        nrt_tensor_t* x = nullptr;
        if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 64, "h", &x) != NRT_SUCCESS) {
          std::this_thread::yield();
          continue;
        }
        nrt_tensor_set_t* set = nullptr;
        nrta_error_tracker_t* tracker = nullptr;
        (void)nrt_allocate_tensor_set(&set);
        (void)nrt_add_tensor_to_tensor_set(set, "x", x);
        (void)nrta_error_tracker_create(0, &tracker);
        (void)nrt_tensor_get_size(x);
        (void)nrt_tensor_check_output_completion(x, 0, 0);
        nrta_error_tracker_destroy(tracker);
        nrt_destroy_tensor_set(&set);
        nrt_tensor_free(&x);
      }
    });
  }
  // Handles the children use: whatever the parent had at fork time (maybe stale, maybe live).
  std::atomic<nrt_tensor_t*> shared_tensor{nullptr};
  int hangs = 0, failures = 0, own_runtimes = 0;
  for (int i = 0; i < 60; ++i) {
    nrt_tensor_t* mine = nullptr;
    if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 64, "mine", &mine) == NRT_SUCCESS) shared_tensor = mine;
    nrt_tensor_t* tensor = shared_tensor.load();
    int code = ExitCodeInFork(
        [tensor] {
          nrt_tensor_t* t = tensor;
          nrt_tensor_set_t* set = reinterpret_cast<nrt_tensor_set_t*>(tensor);
          (void)nrt_tensor_get_size(tensor);
          NRT_STATUS completion = nrt_tensor_check_output_completion(tensor, 0, 1);
          nrta_error_tracker_destroy(reinterpret_cast<nrta_error_tracker_t*>(tensor));
          nrt_destroy_tensor_set(&set);
          nrt_tensor_free(&t);
          nrt_close();
          nrt_tensor_t* probe = nullptr;
          NRT_STATUS s = nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "probe", &probe);
          if (s == NRT_FAILURE) {  // forked while the parent was initialised
            if (completion != NRT_FAILURE) return 10;
            return Init() == NRT_FAILURE ? 100 : 11;
          }
          if (s != NRT_CLOSED && s != NRT_UNINITIALIZED) return 12;
          int own = UseOwnRuntime();
          return own == 0 ? 101 : own;
        },
        20);
    if (code == -1) {
      ++hangs;
    } else if (code == 100 || code == 101) {
      own_runtimes += code == 101;
    } else {
      ++failures;
      ADD_FAILURE() << "child " << i << " exited with " << code;
    }
  }
  stop = true;
  for (auto& th : threads) th.join();
  if (Init() == NRT_SUCCESS) nrt_close();
  dup2(saved_stderr, 2);
  close(saved_stderr);
  close(devnull);
  EXPECT_EQ(hangs, 0) << "children hung (killed after 20 s)";
  EXPECT_EQ(failures, 0);
  RecordProperty("children_with_own_runtime", own_runtimes);
}

// A parent thread busy in localtime_r holds glibc's time zone lock much of the time, and fork leaves it held in
// the child. nrt_init in such a child (fork-then-init) must not take it; before the fix 2 runs in 60 of the test
// above hung there, and most children of this one did.
TEST(Fork, ChildInitialisesWhileAParentThreadIsInLocaltime) {
#if NRTEST_UNDER_ASAN
  GTEST_SKIP() << "ASan's allocator (clang 14) can deadlock a forked child by itself (see above)";
#endif
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      time_t now = time(nullptr);
      tm parts{};
      localtime_r(&now, &parts);
    }
  });
  int hangs = 0;
  for (int i = 0; i < 10; ++i) {
    int code = ExitCodeInFork(UseOwnRuntime, 5);
    if (code == -1) ++hangs;
    EXPECT_TRUE(code == 0 || code == -1) << "child " << i << " exited with " << code;
  }
  stop = true;
  busy.join();
  EXPECT_EQ(hangs, 0) << "children hung in nrt_init (killed after 5 s)";
}

}  // namespace
