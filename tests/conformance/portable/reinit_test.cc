// nrt_init after nrt_close: any number of init -> close -> init cycles in one process, each a new runtime;
// handles of an earlier runtime are NRT_INVALID in a later one; nothing leaks across cycles (fds, threads,
// memory); calls racing with nrt_close end with a status, never with a use of freed memory.
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "nrtest.h"
#include "nrtest/sanitizers.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

constexpr size_t kElems = 32;  // sync_add: a, b, out float32[4, 8]

NRT_STATUS Init() { return nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""); }

// Waits (polling the state, with yields) until seq completed; false when the runtime says it never will.
bool WaitCompleted(nrta_seq_t seq) {
  for (;;) {
    bool done = false;
    if (nrta_is_completed(seq, &done) != NRT_SUCCESS) return false;
    if (done) return true;
    std::this_thread::yield();
  }
}

// One runtime's worth of real work: tensors, a model loaded and executed (synchronously and scheduled),
// a tensor op, a completion handle and an error tracker. Leaves a model, a tensor (1 MiB, touched) and a
// set alive, for nrt_close to release.
void RealWork(const std::vector<uint8_t>& neff, int cycle) {
  const int vnc = cycle % 2;
  nrt_model_t* model = nullptr;
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), vnc, -1, &model), NRT_SUCCESS);
  {
    ModelIo io(model, vnc);
    ASSERT_EQ(io.in.size(), 2u);
    std::vector<float> a(kElems), b(kElems);
    for (size_t i = 0; i < kElems; ++i) {
      a[i] = static_cast<float>(i + cycle);
      b[i] = static_cast<float>(2 * i);
    }
    WriteAll(io.in[0], a);
    WriteAll(io.in[1], b);
    ASSERT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    std::vector<float> out = ReadAll<float>(io.out[0]);
    ASSERT_EQ(out.size(), kElems);
    for (size_t i = 0; i < kElems; ++i) ASSERT_EQ(out[i], a[i] + b[i]) << "cycle " << cycle << " element " << i;

    NRT_STATUS exec_ret = NRT_FAILURE, write_ret = NRT_FAILURE;
    nrta_seq_t exec_seq = 0, write_seq = 0;
    ASSERT_EQ(nrta_execute_schedule(model, io.inputs, io.outputs, 0, &exec_ret, &exec_seq), NRT_SUCCESS);
    int fd = -1;
    ASSERT_EQ(nrta_get_completion_handle(exec_seq, &fd), NRT_SUCCESS);
    ASSERT_EQ(nrta_tensor_write(io.in[0], b.data(), 0, kElems * sizeof(float), vnc, 0, &write_ret, &write_seq),
              NRT_SUCCESS);
    ASSERT_TRUE(WaitCompleted(exec_seq));
    ASSERT_TRUE(WaitCompleted(write_seq));
    EXPECT_EQ(exec_ret, NRT_SUCCESS);
    EXPECT_EQ(write_ret, NRT_SUCCESS);
    close(fd);
  }
  nrta_error_tracker_t* tracker = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(vnc, &tracker), NRT_SUCCESS);
  nrta_error_tracker_destroy(tracker);

  nrt_tensor_t* left = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, vnc, 1 << 20, "left_for_close");
  ASSERT_NE(left, nullptr);
  ASSERT_EQ(nrt_tensor_memset(left, 0, 0x5a, 1 << 20), NRT_SUCCESS);  // resident, so a leak would show in RSS
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, "left", left), NRT_SUCCESS);
}

TEST(Reinit, InitCloseInitManyTimesEachWithAWorkingRuntime) {
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_FALSE(neff.empty());
  for (int cycle = 0; cycle < 20; ++cycle) {
    ASSERT_EQ(Init(), NRT_SUCCESS) << "cycle " << cycle;
    RealWork(neff, cycle);
    nrt_close();
    if (HasFatalFailure()) return;
    nrt_tensor_t* t = nullptr;
    EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "t", &t), NRT_CLOSED) << "between close and init";
  }
}

TEST(Reinit, HandlesOfAnEarlierRuntimeAreInvalid) {
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_FALSE(neff.empty());
  ASSERT_EQ(Init(), NRT_SUCCESS);
  nrt_model_t* model = nullptr;
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &model), NRT_SUCCESS);
  auto* io = new ModelIo(model, 0);
  nrta_error_tracker_t* tracker = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(0, &tracker), NRT_SUCCESS);
  NRT_STATUS ret = NRT_FAILURE;
  nrta_seq_t seq = 0;
  ASSERT_EQ(nrta_execute_schedule(model, io->inputs, io->outputs, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitCompleted(seq));
  nrt_tensor_t* tensor = io->in[0];
  nrt_tensor_set_t* set = io->inputs;
  nrt_close();

  ASSERT_EQ(Init(), NRT_SUCCESS);
  float buf[kElems] = {};
  EXPECT_EQ(nrt_tensor_read(tensor, buf, 0, sizeof buf), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_write(tensor, buf, 0, sizeof buf), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_get_size(tensor), 0u);
  EXPECT_EQ(nrt_tensor_get_va(tensor), nullptr);
  EXPECT_EQ(nrt_tensor_check_output_completion(tensor, 0, 0), NRT_INVALID);
  EXPECT_EQ(nrt_execute(model, set, set), NRT_INVALID);
  uint32_t count = 0;
  EXPECT_EQ(nrt_get_model_nc_count(model, &count), NRT_INVALID);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(set, "a", tensor), NRT_INVALID);
  const nrta_error_t* list = nullptr;
  size_t errors = 0;
  EXPECT_EQ(nrta_error_tracker_get_list(tracker, &list, &errors), NRT_INVALID);
  bool done = false;
  EXPECT_EQ(nrta_is_completed(seq, &done), NRT_INVALID) << "a sequence id of the earlier runtime was never issued here";
  int fd = -1;
  EXPECT_EQ(nrta_get_completion_handle(seq, &fd), NRT_INVALID);
  // Freeing stale handles changes nothing (and must not free the new runtime's objects).
  nrt_tensor_t* fresh = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "fresh");
  nrt_tensor_t* stale = tensor;
  nrt_tensor_free(&stale);
  EXPECT_EQ(stale, tensor) << "a stale handle is not freed";
  EXPECT_EQ(nrt_tensor_get_size(fresh), 64u);
  nrta_error_tracker_destroy(tracker);
  EXPECT_EQ(nrt_unload(model), NRT_INVALID);
  nrt_tensor_free(&fresh);
  nrt_close();
  delete io;  // after nrt_close: frees nothing, clears its pointers
}

// 500 cycles of real work leave the process with the fds, threads and memory it had after the first few.
TEST(Reinit, FdsThreadsAndMemoryStayFlatOver500Cycles) {
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_FALSE(neff.empty());
  auto cycle = [&](int i) {
    ASSERT_EQ(Init(), NRT_SUCCESS) << "cycle " << i;
    RealWork(neff, i);
    nrt_close();
  };
  for (int i = 0; i < 10; ++i) {  // warm-up: allocator arenas, lazily created library state
    cycle(i);
    if (HasFatalFailure()) return;
  }
  const int fds = OpenFdCount();
  const int64_t tasks = ThreadCount(), rss = RssKb();
  ASSERT_GT(rss, 0);
  for (int i = 10; i < 510; ++i) {
    cycle(i);
    if (HasFatalFailure()) return;
  }
  // Generous bounds: what each cycle leaves for nrt_close (a touched 1 MiB tensor, a model, four workers,
  // eventfds) would add 500 fds, hundreds of threads or 500 MiB if it leaked.
  RecordProperty("fds_before_after", std::to_string(fds) + " " + std::to_string(OpenFdCount()));
  RecordProperty("threads_before_after", std::to_string(tasks) + " " + std::to_string(ThreadCount()));
  RecordProperty("rss_kib_before_after", std::to_string(rss) + " " + std::to_string(RssKb()));
  EXPECT_LE(OpenFdCount(), fds + 2) << "file descriptors leak across init/close";
  EXPECT_LE(ThreadCount(), tasks + 1) << "threads leak across init/close";
#if NRTEST_UNDER_ASAN
  // Under ASan the resident size also holds its quarantine of freed memory (256 MiB by default) and shadow
  // pages, so it grows without a leak; LeakSanitizer checks this build's heap at exit instead.
  (void)rss;
#else
  EXPECT_LE(RssKb(), rss + 64 * 1024) << "memory leaks across init/close (KiB; baseline " << rss << ")";
#endif
}

// Threads keep calling while the main thread cycles init/close: every call ends with a status that names
// the state it met, and none touches a closed runtime's memory (ASan/TSan builds check the latter).
TEST(Reinit, CallsRacingInitAndCloseEndWithAStatus) {
  ASSERT_EQ(setenv("NEURON_RT_LOG_LEVEL", "QUIET", 1), 0);  // stale frees after a re-init log a line each
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, last_bad{0};
  std::atomic<uint64_t> calls{0};
  auto allowed = [&](NRT_STATUS s) {
    bool ok = s == NRT_SUCCESS || s == NRT_CLOSED || s == NRT_UNINITIALIZED || s == NRT_INVALID;
    if (!ok) last_bad = s;
    return ok;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      uint8_t buf[256] = {};
      // The status slot outlives every request: WaitCompleted returns early when nrt_close begins (the runtime
      // answers NRT_CLOSED), and the closing runtime still writes the request's status until nrt_close returns.
      // A slot declared in the loop would go out of scope under that write (ASan: stack-use-after-scope).
      NRT_STATUS ret = NRT_SUCCESS;
      while (!stop.load()) {
        nrt_tensor_t* x = nullptr;
        NRT_STATUS s = nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, t % 2, sizeof buf, "racer", &x);
        if (!allowed(s)) bad++;
        if (s != NRT_SUCCESS) continue;
        if (!allowed(nrt_tensor_write(x, buf, 0, sizeof buf))) bad++;
        nrta_seq_t seq = 0;
        s = nrta_tensor_read(buf, x, 0, sizeof buf, t % 2, 0, &ret, &seq);
        if (!allowed(s)) bad++;
        if (s == NRT_SUCCESS) WaitCompleted(seq);
        nrt_tensor_set_t* set = nullptr;
        if (nrt_allocate_tensor_set(&set) == NRT_SUCCESS) {
          if (!allowed(nrt_add_tensor_to_tensor_set(set, "x", x))) bad++;
          nrt_destroy_tensor_set(&set);
        }
        (void)nrt_tensor_get_size(x);
        nrt_tensor_free(&x);
        calls++;
      }
    });
  }
  for (int cycle = 0; cycle < 100; ++cycle) {
    ASSERT_EQ(Init(), NRT_SUCCESS);
    std::this_thread::yield();
    nrt_close();
  }
  stop = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0) << "calls racing init/close returned unexpected statuses, e.g. "
                           << nrt_get_status_as_str(static_cast<NRT_STATUS>(last_bad.load()));
}

}  // namespace
