// Lifecycle: NRT_UNINITIALIZED before nrt_init, NRT_CLOSED after nrt_close (until the next nrt_init),
// NRT_FAILURE in a forked child; calls allowed before nrt_init; instance info; status strings.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <string>
#include <utility>
#include <vector>

#include "nrtest.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_version.h"

namespace {

using namespace nrtest;

// Handles the calls operate on (may be NULL or stale: the lifecycle check must come first).
struct Handles {
  nrt_model_t* model = nullptr;
  nrt_tensor_t* tensor = nullptr;
  nrt_tensor_set_t* set = nullptr;
  std::vector<uint8_t> neff;
};

using Call = std::pair<std::string, std::function<NRT_STATUS()>>;

// One call of every family of the API except nrt_init, the count getters, nrt_get_version,
// nrt_get_status_as_str and the calls documented as not gated on the lifecycle.
std::vector<Call> EveryFamily(Handles& h) {
  static uint8_t buf[64];
  static nrt_tensor_batch_op_t op = {0, 4, buf};
  static nrt_tensor_batch_t batch;
  batch = {h.tensor, &op, 1};
  static NRT_STATUS ret;
  static nrta_seq_t seq;
  std::vector<Call> calls = {
      {"nrt_get_instance_info",
       [] {
         nrt_instance_info_t i;
         return nrt_get_instance_info(&i, sizeof i);
       }},
      {"nrt_load",
       [&h] {
         nrt_model_t* m = nullptr;
         return nrt_load(h.neff.data(), h.neff.size(), 0, -1, &m);
       }},
      {"nrt_load_collectives",
       [&h] {
         nrt_model_t* m = nullptr;
         return nrt_load_collectives(h.neff.data(), h.neff.size(), 0, -1, 0, 1, &m);
       }},
      {"nrt_get_model_nc_count",
       [&h] {
         uint32_t n;
         return nrt_get_model_nc_count(h.model, &n);
       }},
      {"nrt_get_model_vnc_count",
       [&h] {
         uint32_t n;
         return nrt_get_model_vnc_count(h.model, &n);
       }},
      {"nrt_get_model_tensor_info",
       [&h] {
         nrt_tensor_info_array_t* a = nullptr;
         return nrt_get_model_tensor_info(h.model, &a);
       }},
      {"nrt_get_model_info",
       [&h] {
         nrt_model_info_t i;
         size_t n;
         return nrt_get_model_info(h.model, &i, sizeof i, &n);
       }},
      {"nrt_get_model_instance_count",
       [&h] {
         uint32_t n;
         return nrt_get_model_instance_count(h.model, &n);
       }},
      {"nrt_tensor_allocate",
       [] {
         nrt_tensor_t* t = nullptr;
         return nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "t", &t);
       }},
      {"nrt_tensor_allocate(host)",
       [] {
         nrt_tensor_t* t = nullptr;
         return nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "t", &t);
       }},
      {"nrt_tensor_read", [&h] { return nrt_tensor_read(h.tensor, buf, 0, 4); }},
      {"nrt_tensor_write", [&h] { return nrt_tensor_write(h.tensor, buf, 0, 4); }},
      {"nrt_tensor_copy", [&h] { return nrt_tensor_copy(h.tensor, 0, h.tensor, 8, 4); }},
      {"nrt_tensor_memset", [&h] { return nrt_tensor_memset(h.tensor, 0, 0, 4); }},
      {"nrt_tensor_allocate_empty",
       [] {
         nrt_tensor_t* t = nullptr;
         return nrt_tensor_allocate_empty("e", &t);
       }},
      {"nrt_tensor_attach_buffer", [&h] { return nrt_tensor_attach_buffer(h.tensor, buf, sizeof buf); }},
      {"nrt_tensor_allocate_slice",
       [&h] {
         nrt_tensor_t* t = nullptr;
         return nrt_tensor_allocate_slice(h.tensor, 0, 4, "s", &t);
       }},
      {"nrt_tensor_read_batch", [] { return nrt_tensor_read_batch(&batch, 1, false); }},
      {"nrt_tensor_write_batch", [] { return nrt_tensor_write_batch(&batch, 1, false); }},
      {"nrt_tensor_get_device_allocation_info",
       [&h] {
         nrt_tensor_device_allocation_info_t i;
         return nrt_tensor_get_device_allocation_info(h.tensor, &i);
       }},
      {"nrt_tensor_get_lnc_index",
       [&h] {
         int i;
         return nrt_tensor_get_lnc_index(h.tensor, &i);
       }},
      {"nrt_get_vnc_memory_stats",
       [] {
         nrt_vnc_memory_stats_t s;
         size_t n;
         return nrt_get_vnc_memory_stats(0, &s, sizeof s, &n);
       }},
      {"nrt_get_dmabuf_fd",
       [] {
         int fd;
         return nrt_get_dmabuf_fd(0, 16, &fd);
       }},
      {"nrt_get_hbm_mmap_va",
       [] {
         void* a;
         size_t n;
         return nrt_get_hbm_mmap_va(0, 0, &a, &n);
       }},
      {"nrt_memcpy_to_device", [] { return nrt_memcpy_to_device(buf, buf + 8, 4); }},
      {"nrt_allocate_tensor_set",
       [] {
         nrt_tensor_set_t* s = nullptr;
         return nrt_allocate_tensor_set(&s);
       }},
      {"nrt_add_tensor_to_tensor_set", [&h] { return nrt_add_tensor_to_tensor_set(h.set, "a", h.tensor); }},
      {"nrt_get_tensor_from_tensor_set",
       [&h] {
         nrt_tensor_t* t = nullptr;
         return nrt_get_tensor_from_tensor_set(h.set, "a", &t);
       }},
      {"nrt_execute", [&h] { return nrt_execute(h.model, h.set, h.set); }},
      {"nrt_execute_repeat", [&h] { return nrt_execute_repeat(h.model, h.set, h.set, 1); }},
      {"nrt_async_drain_queued_execs", [] { return nrt_async_drain_queued_execs(0); }},
      {"nrt_barrier", [] { return nrt_barrier(0, 0, 1); }},
      {"nrt_all_gather", [] { return nrt_all_gather(0, 0, 1, 4, buf, buf + 16); }},
      {"nrt_trace_start", [] { return nrt_trace_start(false); }},
      {"nrt_trace_stop", [] { return nrt_trace_stop("/tmp/nrt_conformance_trace_unused"); }},
      {"nrt_cc_global_comm_init", [] { return nrt_cc_global_comm_init(0, 0, 1); }},
      {"nrt_build_global_comm", [] { return nrt_build_global_comm(0, 0, 1); }},
      {"nrt_host_device_id_get",
       [] {
         uint32_t id;
         return nrt_host_device_id_get(0, &id);
       }},
      {"nrt_host_device_id_rid_map_get",
       [] {
         uint32_t n, map[8];
         return nrt_host_device_id_rid_map_get(&n, map);
       }},
      {"nrta_tensor_write", [&h] { return nrta_tensor_write(h.tensor, buf, 0, 4, 0, 0, &ret, &seq); }},
      {"nrta_tensor_read", [&h] { return nrta_tensor_read(buf, h.tensor, 0, 4, 0, 0, &ret, &seq); }},
      {"nrta_tensor_copy", [&h] { return nrta_tensor_copy(h.tensor, 0, h.tensor, 8, 4, 0, 0, &ret, &seq); }},
      {"nrta_execute_schedule", [&h] { return nrta_execute_schedule(h.model, h.set, h.set, 0, &ret, &seq); }},
      {"nrta_get_sequence",
       [] {
         nrta_seq_t s;
         return nrta_get_sequence(0, NRTA_XU_COMPUTE, 0, &s);
       }},
      {"nrta_is_completed",
       [] {
         bool b;
         return nrta_is_completed(0, &b);
       }},
      {"nrta_event_register_xu_completion",
       [] { return nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, -1); }},
      {"nrta_error_tracker_create",
       [] {
         nrta_error_tracker_t* t = nullptr;
         return nrta_error_tracker_create(0, &t);
       }},
  };
  return calls;
}

void ExpectEveryCallReturns(Handles& h, NRT_STATUS expected) {
  for (auto& [name, call] : EveryFamily(h)) {
    NRT_STATUS s = call();
    EXPECT_EQ(s, expected) << name << " returned " << nrt_get_status_as_str(s);
  }
}

// A model, a device tensor on core 0 and a tensor set holding it, created after nrt_init.
void MakeLiveHandles(Handles& h) {
  h.neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_FALSE(h.neff.empty());
  ASSERT_EQ(nrt_load(h.neff.data(), h.neff.size(), 0, -1, &h.model), NRT_SUCCESS);
  h.tensor = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "live");
  ASSERT_NE(h.tensor, nullptr);
  ASSERT_EQ(nrt_allocate_tensor_set(&h.set), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(h.set, "a", h.tensor), NRT_SUCCESS);
}

TEST(Lifecycle, EveryCallReturnsUninitializedBeforeInit) {
  Handles h;
  h.neff = ReadFileBytes(ModelPath("sync_add"));
  ExpectEveryCallReturns(h, NRT_UNINITIALIZED);
  // The failed calls did not initialise anything: nrt_init still works afterwards.
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
}

TEST(Lifecycle, TotalAndVisibleCountsCallableBeforeInit) {
  uint32_t total = 0, visible = 0, total_nc = 0, visible_nc = 0;
  ASSERT_EQ(nrt_get_total_vnc_count(&total), NRT_SUCCESS);
  ASSERT_EQ(nrt_get_visible_vnc_count(&visible), NRT_SUCCESS);
  ASSERT_EQ(nrt_get_total_nc_count(&total_nc), NRT_SUCCESS);
  ASSERT_EQ(nrt_get_visible_nc_count(&visible_nc), NRT_SUCCESS);
  EXPECT_EQ(total, 4u) << "trn2 at the default LNC size 2 has 4 logical cores";
  EXPECT_EQ(visible, 4u);
  EXPECT_EQ(total_nc, total);
  EXPECT_EQ(visible_nc, visible);
  EXPECT_EQ(nrt_get_total_vnc_count(nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_get_visible_vnc_count(nullptr), NRT_INVALID);
}

TEST(Lifecycle, CountsAfterInitMatchCountsBeforeInit) {
  setenv("NEURON_RT_VISIBLE_CORES", "1-2", 1);
  uint32_t before_total = 0, before_visible = 0;
  ASSERT_EQ(nrt_get_total_vnc_count(&before_total), NRT_SUCCESS);
  ASSERT_EQ(nrt_get_visible_vnc_count(&before_visible), NRT_SUCCESS);
  NRTEST_INIT(rt);
  uint32_t total = 0, visible = 0;
  ASSERT_EQ(nrt_get_total_vnc_count(&total), NRT_SUCCESS);
  ASSERT_EQ(nrt_get_visible_vnc_count(&visible), NRT_SUCCESS);
  EXPECT_EQ(total, before_total);
  EXPECT_EQ(visible, before_visible);
  EXPECT_EQ(total, 4u);
  EXPECT_EQ(visible, 2u);
}

TEST(Lifecycle, GetVersionCallableBeforeInit) {
  nrt_version_t v;
  std::memset(&v, 0xAB, sizeof v);
  ASSERT_EQ(nrt_get_version(&v, sizeof v), NRT_SUCCESS);
  EXPECT_GT(v.rt_major + v.rt_minor + v.rt_patch + v.rt_maintenance, 0u);
  EXPECT_NE(std::memchr(v.rt_detail, '\0', sizeof v.rt_detail), nullptr) << "rt_detail is NUL-terminated";
  EXPECT_NE(std::memchr(v.git_hash, '\0', sizeof v.git_hash), nullptr) << "git_hash is NUL-terminated";
  EXPECT_GT(std::strlen(v.rt_detail), 0u);
  EXPECT_EQ(nrt_get_version(nullptr, sizeof v), NRT_INVALID);
}

TEST(Lifecycle, GetVersionCopiesOnlyTheRequestedSize) {
  nrt_version_t full, part;
  ASSERT_EQ(nrt_get_version(&full, sizeof full), NRT_SUCCESS);
  std::memset(&part, 0xCD, sizeof part);
  ASSERT_EQ(nrt_get_version(&part, sizeof(uint64_t)), NRT_SUCCESS);
  EXPECT_EQ(part.rt_major, full.rt_major);
  const auto* bytes = reinterpret_cast<const unsigned char*>(&part);
  for (size_t i = sizeof(uint64_t); i < sizeof part; ++i) ASSERT_EQ(bytes[i], 0xCD) << "byte " << i << " written";
}

TEST(Lifecycle, InitIsIdempotent) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16);
  ASSERT_NE(t, nullptr);
  const uint32_t value = 0x12345678;
  ASSERT_EQ(nrt_tensor_write(t, &value, 0, sizeof value), NRT_SUCCESS);
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_PYTORCH, "2.1", "1.0"), NRT_SUCCESS);
  // The second init did not reset the runtime: the tensor is still there with its contents.
  uint32_t back = 0;
  EXPECT_EQ(nrt_tensor_read(t, &back, 0, sizeof back), NRT_SUCCESS);
  EXPECT_EQ(back, value);
  nrt_tensor_free(&t);
}

TEST(Lifecycle, InitWithInvalidFrameworkFailsAndCanBeRetried) {
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_INVALID, "", ""), NRT_INVALID);
  EXPECT_EQ(nrt_init(static_cast<nrt_framework_type_t>(77), "", ""), NRT_INVALID);
  nrt_tensor_t* t = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "t", &t), NRT_UNINITIALIZED);
  NRTEST_INIT(rt);
}

TEST(Lifecycle, InitAcceptsEveryFrameworkType) {
  // Framework strings only tag telemetry; NULL strings are accepted too.
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_PRECHECK, nullptr, nullptr), NRT_SUCCESS);
  nrt_close();
}

TEST(Lifecycle, EveryCallReturnsClosedAfterClose) {
  Handles h;
  {
    Runtime rt;
    ASSERT_EQ(rt.status(), NRT_SUCCESS);
    MakeLiveHandles(h);
    if (HasFatalFailure()) return;
  }
  ExpectEveryCallReturns(h, NRT_CLOSED);
}

TEST(Lifecycle, InitAfterCloseStartsANewRuntime) {
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_close();
  nrt_tensor_t* t = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "t", &t), NRT_CLOSED);
  EXPECT_EQ(t, nullptr);
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "t", &t), NRT_SUCCESS);
  nrt_tensor_free(&t);
  nrt_close();
}

TEST(Lifecycle, OutputCompletionCallsReturnClosedAfterClose) {
  Handles h;
  ModelIo* io = nullptr;
  {
    Runtime rt;
    ASSERT_EQ(rt.status(), NRT_SUCCESS);
    MakeLiveHandles(h);
    if (HasFatalFailure()) return;
    io = new ModelIo(h.model, 0);
    ASSERT_EQ(nrt_execute(h.model, io->inputs, io->outputs), NRT_SUCCESS);
  }
  // nrt_close released the tensor with everything else; its counter went with it.
  EXPECT_EQ(nrt_tensor_check_output_completion(io->out[0], 0, 1), NRT_CLOSED);
  EXPECT_EQ(nrt_tensor_reset_output_completion(io->out[0]), NRT_CLOSED);
  delete io;
}

TEST(Lifecycle, CloseTwiceIsHarmless) {
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_close();
  nrt_close();
  EXPECT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_close();
}

TEST(Lifecycle, CloseWithLiveObjectsReleasesThem) {
  // Models, tensors and sets left alive at nrt_close are released by it; the handles then report
  // NRT_CLOSED and freeing them is still safe.
  Handles h;
  {
    Runtime rt;
    ASSERT_EQ(rt.status(), NRT_SUCCESS);
    MakeLiveHandles(h);
    if (HasFatalFailure()) return;
  }
  uint32_t value = 0;
  EXPECT_EQ(nrt_tensor_read(h.tensor, &value, 0, sizeof value), NRT_CLOSED);
  nrt_tensor_free(&h.tensor);
  EXPECT_EQ(h.tensor, nullptr);
  nrt_destroy_tensor_set(&h.set);
  EXPECT_EQ(h.set, nullptr);
}

// Runs every call in a forked child; the child's exit code is 0 when each returned NRT_FAILURE,
// else 1 + the index of the first call that did not.
int RunEveryFamilyInChild(Handles& h, std::vector<std::string>* names) {
  auto calls = EveryFamily(h);
  for (auto& c : calls) names->push_back(c.first);
  names->push_back("nrt_init");
  names->push_back("nrt_get_total_vnc_count");
  names->push_back("nrt_get_visible_vnc_count");
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    size_t i = 0;
    for (; i < calls.size(); ++i) {
      if (calls[i].second() != NRT_FAILURE) _exit(static_cast<int>(1 + i));
    }
    if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_FAILURE) _exit(static_cast<int>(1 + i));
    uint32_t n = 0;
    if (nrt_get_total_vnc_count(&n) != NRT_FAILURE) _exit(static_cast<int>(2 + i));
    if (nrt_get_visible_vnc_count(&n) != NRT_FAILURE) _exit(static_cast<int>(3 + i));
    _exit(0);
  }
  if (pid < 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Lifecycle, EveryCallReturnsFailureInForkedChild) {
  NRTEST_INIT(rt);
  Handles h;
  MakeLiveHandles(h);
  if (HasFatalFailure()) return;
  std::vector<std::string> names;
  int code = RunEveryFamilyInChild(h, &names);
  ASSERT_GE(code, 0) << "fork/waitpid failed";
  ASSERT_LT(code, 1000) << "child died of signal " << code - 1000;
  EXPECT_EQ(code, 0) << "in the child, " << (code > 0 && code <= static_cast<int>(names.size()) ? names[code - 1] : "?")
                     << " did not return NRT_FAILURE";
}

TEST(Lifecycle, ForkedChildCanCallCloseAndExitNormally) {
  NRTEST_INIT(rt);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(model, nullptr);
  // nrt_close in the child must not try to join the parent's threads (they do not exist there).
  EXPECT_EQ(ExitCodeInFork([] {
              nrt_close();
              return nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") == NRT_FAILURE ? 0 : 1;
            }),
            0);
  // exit() runs atexit handlers and static destructors, as a normal program end in the child does.
  EXPECT_EQ(ExitCodeInFork([] {
              std::exit(0);
              return 0;
            }),
            0);
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

TEST(Lifecycle, ParentKeepsWorkingAfterFork) {
  NRTEST_INIT(rt);
  Handles h;
  MakeLiveHandles(h);
  if (HasFatalFailure()) return;
  std::vector<std::string> names;
  ASSERT_GE(RunEveryFamilyInChild(h, &names), 0);
  // The parent is unaffected: it can still use its handles and create new ones.
  const uint32_t value = 42;
  EXPECT_EQ(nrt_tensor_write(h.tensor, &value, 0, sizeof value), NRT_SUCCESS);
  uint32_t back = 0;
  EXPECT_EQ(nrt_tensor_read(h.tensor, &back, 0, sizeof back), NRT_SUCCESS);
  EXPECT_EQ(back, value);
  ModelIo io(h.model, 0);
  EXPECT_EQ(nrt_execute(h.model, io.inputs, io.outputs), NRT_SUCCESS);
  nrt_destroy_tensor_set(&h.set);
  nrt_tensor_free(&h.tensor);
  EXPECT_EQ(nrt_unload(h.model), NRT_SUCCESS);
}

TEST(Lifecycle, ConcurrentInitCallsAllSucceed) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) failures++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16);
  EXPECT_NE(t, nullptr);
  nrt_tensor_free(&t);
  nrt_close();
}

TEST(Lifecycle, CloseWhileAnotherThreadExecutes) {
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(model, nullptr);
  std::atomic<int> successes{0}, last{-1};
  std::atomic<bool> started{false};
  {
    ModelIo io(model, 0);
    std::thread runner([&] {
      for (;;) {
        NRT_STATUS s = nrt_execute(model, io.inputs, io.outputs);
        started = true;
        if (s != NRT_SUCCESS) {
          last = s;
          return;
        }
        successes++;
      }
    });
    while (!started.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    nrt_close();
    runner.join();
  }
  EXPECT_GT(successes.load(), 0);
  EXPECT_EQ(last.load(), NRT_CLOSED) << "an execute racing with nrt_close ends with NRT_CLOSED";
}

TEST(Lifecycle, InstanceInfoReportsTrn2) {
  NRTEST_INIT(rt);
  nrt_instance_info_t info;
  std::memset(&info, 0xFF, sizeof info);
  ASSERT_EQ(nrt_get_instance_info(&info, sizeof info), NRT_SUCCESS);
  EXPECT_EQ(info.family, static_cast<uint32_t>(NRT_INSTANCE_TRN2));
  EXPECT_EQ(info.size, static_cast<uint32_t>(NRT_INSTANCE_SIZE_3XL));
  ASSERT_NE(std::memchr(info.arch_name, '\0', sizeof info.arch_name), nullptr);
  EXPECT_STREQ(info.arch_name, "trn2");
  EXPECT_NE(std::memchr(info.device_revision, '\0', sizeof info.device_revision), nullptr);
}

TEST(Lifecycle, InstanceInfoCopiesOnlyTheRequestedSize) {
  NRTEST_INIT(rt);
  nrt_instance_info_t info;
  std::memset(&info, 0xEE, sizeof info);
  ASSERT_EQ(nrt_get_instance_info(&info, sizeof(uint32_t)), NRT_SUCCESS);
  EXPECT_EQ(info.family, static_cast<uint32_t>(NRT_INSTANCE_TRN2));
  EXPECT_EQ(info.size, 0xEEEEEEEEu) << "size was written although only 4 bytes were requested";
  EXPECT_EQ(nrt_get_instance_info(nullptr, sizeof info), NRT_INVALID);
}

TEST(Lifecycle, StatusStringNamesEveryEnumerator) {
  for (const auto& [status, name] : nrtest::kEveryStatus) {
    const char* s = nrt_get_status_as_str(status);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_STREQ(s, name);
  }
}

TEST(Lifecycle, StatusStringOfUnknownValueIsUnknownStatus) {
  for (int v : nrtest::kNotAStatus) {
    const char* s = nrt_get_status_as_str(static_cast<NRT_STATUS>(v));
    ASSERT_NE(s, nullptr) << v;
    EXPECT_STREQ(s, "UNKNOWN STATUS") << v;
  }
}

TEST(Lifecycle, StatusStringCallableBeforeInitAndAfterClose) {
  EXPECT_STREQ(nrt_get_status_as_str(NRT_TIMEOUT), "NRT_TIMEOUT");
  ASSERT_EQ(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), NRT_SUCCESS);
  nrt_close();
  EXPECT_STREQ(nrt_get_status_as_str(NRT_CLOSED), "NRT_CLOSED");
}

}  // namespace
