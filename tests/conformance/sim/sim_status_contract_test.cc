// Statuses of defect 9 and the call order every entry point follows: the lifecycle is checked first (bad
// arguments before nrt_init are NRT_UNINITIALIZED, not NRT_INVALID), then the arguments. The legacy async-exec
// callback registration is accepted before nrt_init, after nrt_close, and with NULL (restores the default).
// A batch count nobody could mean is NRT_INVALID before anything is reserved. An invalid NEURON_RT_LOG_LEVEL
// fails nrt_init with NRT_INVALID and one log line. These are nrt-bridge's documented statuses and limits (the
// SDK documents some of them differently or not at all), so this is in the simulator set.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "nrtest.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

NRT_STATUS Init() { return nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""); }

void Callback(void*, uint32_t, uint32_t, uint64_t, NRT_STATUS) {}

TEST(StatusContract, BadArgumentsBeforeInitAreUninitialized) {
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 999, 0, nullptr, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_tensor_read(nullptr, nullptr, 0, 1), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_tensor_read_batch(nullptr, 5, false), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_load(nullptr, 0, 77, -1, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_execute(nullptr, nullptr, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_allocate_tensor_set(nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_tensor_check_output_completion(nullptr, 0, 0), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_tensor_reset_output_completion(nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_tensor_write(nullptr, nullptr, 0, 0, -1, -1, nullptr, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_execute_schedule(nullptr, nullptr, nullptr, -1, nullptr, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_get_sequence(999, NRTA_XU_COMPUTE, -1, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrta_error_tracker_create(999, nullptr), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_async_drain_queued_execs(-5), NRT_UNINITIALIZED);
}

TEST(StatusContract, BadArgumentsAfterCloseAreClosed) {
  ASSERT_EQ(Init(), NRT_SUCCESS);
  nrt_close();
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 999, 0, nullptr, nullptr), NRT_CLOSED);
  EXPECT_EQ(nrt_tensor_write_batch(nullptr, 5, false), NRT_CLOSED);
  EXPECT_EQ(nrta_is_completed(0, nullptr), NRT_CLOSED);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(nullptr, nullptr, nullptr), NRT_CLOSED);
}

TEST(StatusContract, AsyncExecCallbackAcceptedBeforeInit) {
  int params = 0;
  EXPECT_EQ(nrt_register_async_exec_callback(Callback, &params), NRT_SUCCESS);
  ASSERT_EQ(Init(), NRT_SUCCESS);
  EXPECT_EQ(nrt_register_async_exec_callback(Callback, &params), NRT_SUCCESS);
  nrt_close();
}

TEST(StatusContract, AsyncExecCallbackAcceptedAfterClose) {
  ASSERT_EQ(Init(), NRT_SUCCESS);
  nrt_close();
  EXPECT_EQ(nrt_register_async_exec_callback(Callback, nullptr), NRT_SUCCESS);
}

TEST(StatusContract, AsyncExecCallbackNullRestoresTheDefault) {
  EXPECT_EQ(nrt_register_async_exec_callback(nullptr, nullptr), NRT_SUCCESS) << "before init";
  ASSERT_EQ(Init(), NRT_SUCCESS);
  EXPECT_EQ(nrt_register_async_exec_callback(Callback, nullptr), NRT_SUCCESS);
  EXPECT_EQ(nrt_register_async_exec_callback(nullptr, nullptr), NRT_SUCCESS) << "clearing a registered callback";
  nrt_close();
}

TEST(StatusContract, HugeBatchCountIsInvalid) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 64, "t");
  ASSERT_NE(t, nullptr);
  uint8_t buf[8];
  nrt_tensor_batch_op_t op = {0, sizeof buf, buf};
  nrt_tensor_batch_t batch = {t, &op, 1};
  // One real batch, and a count that would make the runtime reserve (or read) far beyond it.
  for (uint64_t n : {UINT64_MAX, UINT64_MAX / 16, uint64_t{1} << 40, uint64_t{1} << 21}) {
    StderrCapture err;
    EXPECT_EQ(nrt_tensor_read_batch(&batch, n, false), NRT_INVALID) << n;
    EXPECT_EQ(nrt_tensor_write_batch(&batch, n, true), NRT_INVALID) << n;
    std::string text = err.Stop();
    EXPECT_EQ(LinesWith(text, {"nrt_tensor_read_batch", "num_batches"}).size(), 1u) << text;
    EXPECT_EQ(LinesWith(text, {"nrt_tensor_write_batch", "num_batches"}).size(), 1u) << text;
  }
  EXPECT_EQ(nrt_tensor_read_batch(&batch, 1, false), NRT_SUCCESS);
  nrt_tensor_free(&t);
}

TEST(StatusContract, GarbageLogLevelFailsInitWithOneLine) {
  ASSERT_EQ(setenv("NEURON_RT_LOG_LEVEL", "garbage", 1), 0);
  StderrCapture err;
  EXPECT_EQ(Init(), NRT_INVALID);
  std::string text = err.Stop();
  EXPECT_EQ(LinesWith(text, {"NEURON_RT_LOG_LEVEL"}).size(), 1u) << text;
  EXPECT_EQ(LinesWith(text, {"nrt_init", "garbage"}).size(), 1u) << text;
  nrt_tensor_t* t = nullptr;
  EXPECT_EQ(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "t", &t), NRT_UNINITIALIZED) << "init failed";
  // Fixing the variable makes the next nrt_init succeed.
  ASSERT_EQ(setenv("NEURON_RT_LOG_LEVEL", "ERROR", 1), 0);
  EXPECT_EQ(Init(), NRT_SUCCESS);
  nrt_close();
}

// Lines logged inside an entry point name it, never a C++ helper ("operator()").
TEST(StatusContract, LogLinesNameThePublicFunction) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "t");
  StderrCapture err;
  nrt_tensor_t* stale = t;
  nrt_tensor_free(&t);
  nrt_tensor_free(&stale);  // double free: one line
  uint8_t buf[32];
  EXPECT_EQ(nrt_tensor_read(stale, buf, 0, sizeof buf), NRT_INVALID);
  std::string text = err.Stop();
  EXPECT_EQ(text.find("operator()"), std::string::npos) << text;
  EXPECT_EQ(LinesWith(text, {"NRT:nrt_tensor_free "}).size(), 1u) << text;
  EXPECT_EQ(LinesWith(text, {"NRT:nrt_tensor_read "}).size(), 1u) << text;
}

}  // namespace
