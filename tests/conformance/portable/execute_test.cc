// nrt_execute / nrt_execute_repeat: computed values, I/O validation, placements, completion
// counters, concurrency.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

float HalfToFloat(uint16_t h) {
  const int sign = h >> 15, exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  float v = exp == 0 ? std::ldexp(static_cast<float>(man), -24) : std::ldexp(static_cast<float>(man | 0x400), exp - 25);
  return sign ? -v : v;
}

float Bf16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// sync_add: out[4x8] = a + b.
std::vector<float> AddInput(float base, float step) {
  std::vector<float> v(32);
  for (int i = 0; i < 32; ++i) v[i] = base + step * static_cast<float>(i);
  return v;
}

class Execute : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(rt_.status(), NRT_SUCCESS);
    add_ = LoadModelFile(ModelPath("sync_add"), 0);
    ASSERT_NE(add_, nullptr);
  }
  void TearDown() override {
    if (add_ != nullptr) {
      EXPECT_EQ(nrt_unload(add_), NRT_SUCCESS);
    }
  }
  Runtime rt_;
  nrt_model_t* add_ = nullptr;
};

TEST_F(Execute, AddComputesElementwiseSum) {
  ModelIo io(add_, 0);
  ASSERT_EQ(io.info[0].name, "a");
  ASSERT_EQ(io.info[1].name, "b");
  ASSERT_EQ(io.info[2].name, "out");
  const std::vector<float> a = AddInput(0.5f, 0.25f), b = AddInput(1000.0f, -3.0f);
  WriteAll(io.in[0], a);
  WriteAll(io.in[1], b);
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  std::vector<float> out = ReadAll<float>(io.out[0]);
  ASSERT_EQ(out.size(), 32u);
  for (int i = 0; i < 32; ++i) EXPECT_FLOAT_EQ(out[i], a[i] + b[i]) << i;
}

TEST_F(Execute, NewInputsGiveNewOutputs) {
  ModelIo io(add_, 0);
  for (int round = 0; round < 5; ++round) {
    const std::vector<float> a = AddInput(static_cast<float>(round), 1.0f), b = AddInput(-2.0f * round, 0.5f);
    WriteAll(io.in[0], a);
    WriteAll(io.in[1], b);
    ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
    std::vector<float> out = ReadAll<float>(io.out[0]);
    for (int i = 0; i < 32; ++i) ASSERT_FLOAT_EQ(out[i], a[i] + b[i]) << "round " << round << " element " << i;
  }
}

TEST_F(Execute, MatmulBiasReluComputed) {
  nrt_model_t* mm = LoadModelFile(ModelPath("sync_matmul"), 1);
  ASSERT_NE(mm, nullptr);
  {
    ModelIo io(mm, 1);
    ASSERT_EQ(io.in.size(), 2u);
    ASSERT_EQ(io.out.size(), 2u);
    const std::vector<float> x = {1, 2, 3, -1, 0.5f, 4};
    const std::vector<float> w = {1, 0, -1, 2, 0.5f, 1, 2, -3, -2, 3, 1, 10};
    const float bias[4] = {1.0f, -2.0f, 3.0f, -40.0f};
    WriteAll(io.in[0], x);
    WriteAll(io.in[1], w);
    ASSERT_EQ(nrt_execute(mm, io.inputs, io.outputs), NRT_SUCCESS);
    std::vector<float> h(8), y(8);
    for (int r = 0; r < 2; ++r) {
      for (int c = 0; c < 4; ++c) {
        float s = 0;
        for (int k = 0; k < 3; ++k) s += x[r * 3 + k] * w[k * 4 + c];
        h[r * 4 + c] = s;
        y[r * 4 + c] = std::max(0.0f, s + bias[c]);
      }
    }
    std::vector<float> got_y = ReadAll<float>(io.out[0]), got_h = ReadAll<float>(io.out[1]);
    for (int i = 0; i < 8; ++i) {
      EXPECT_FLOAT_EQ(got_y[i], y[i]) << "y[" << i << "]";
      EXPECT_FLOAT_EQ(got_h[i], h[i]) << "h[" << i << "]";
    }
    bool some_clamped = false;
    for (int i = 0; i < 8; ++i) some_clamped = some_clamped || h[i] + bias[i % 4] < 0;
    EXPECT_TRUE(some_clamped) << "test data should exercise relu";
  }
  EXPECT_EQ(nrt_unload(mm), NRT_SUCCESS);
}

TEST_F(Execute, DtypesGraphComputed) {
  nrt_model_t* m = LoadModelFile(ModelPath("sync_dtypes"), 0);
  ASSERT_NE(m, nullptr);
  {
    ModelIo io(m, 0);
    ASSERT_EQ(io.in.size(), 5u);
    ASSERT_EQ(io.out.size(), 6u);
    const std::vector<int32_t> i32 = {1, -2, 3, 1000000, -1000000, 0};
    const std::vector<uint16_t> f16 = {0x3C00 /*1*/, 0xC000 /*-2*/, 0x3800 /*0.5*/, 0x7BFF /*65504*/};
    const std::vector<uint16_t> bf16 = {0x3F80 /*1*/, 0xBF80 /*-1*/, 0x4060 /*3.5*/, 0xC2F6 /*-123*/};
    const std::vector<uint8_t> u8 = {0, 1, 2, 50, 100, 127};
    const std::vector<int8_t> i8 = {-128, -1, 0, 1, 127};
    WriteAll(io.in[0], i32);
    WriteAll(io.in[1], f16);
    WriteAll(io.in[2], bf16);
    WriteAll(io.in[3], u8);
    WriteAll(io.in[4], i8);
    ASSERT_EQ(nrt_execute(m, io.inputs, io.outputs), NRT_SUCCESS);
    EXPECT_EQ(ReadAll<int32_t>(io.out[0]), (std::vector<int32_t>{2, -4, 6, 2000000, -2000000, 0}));
    std::vector<uint16_t> f16_out = ReadAll<uint16_t>(io.out[1]);
    const float f16_expect[] = {1.0f, 0.0f, 0.5f, 65504.0f};
    for (int i = 0; i < 4; ++i) EXPECT_EQ(HalfToFloat(f16_out[i]), f16_expect[i]) << "f16[" << i << "]";
    std::vector<uint16_t> bf16_out = ReadAll<uint16_t>(io.out[2]);
    const float bf16_expect[] = {1.0f, 0.0f, 3.5f, 0.0f};
    for (int i = 0; i < 4; ++i) EXPECT_EQ(Bf16ToFloat(bf16_out[i]), bf16_expect[i]) << "bf16[" << i << "]";
    EXPECT_EQ(ReadAll<uint8_t>(io.out[3]), (std::vector<uint8_t>{0, 2, 4, 100, 200, 254}));
    EXPECT_EQ(ReadAll<int8_t>(io.out[4]), (std::vector<int8_t>{0, 0, 0, 1, 127}));
    EXPECT_EQ(ReadAll<float>(io.out[5]), (std::vector<float>{1, -2, 3, 1000000, -1000000, 0}));
  }
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST_F(Execute, ZeroInputModelRunsWithEmptyInputSet) {
  nrt_model_t* m = LoadModelFile(ModelPath("sync_const"), 0);
  ASSERT_NE(m, nullptr);
  {
    ModelIo io(m, 0);
    ASSERT_TRUE(io.in.empty());
    ASSERT_EQ(nrt_execute(m, io.inputs, io.outputs), NRT_SUCCESS);
    EXPECT_EQ(ReadAll<float>(io.out[0]), std::vector<float>{21.0f});
    EXPECT_EQ(ReadAll<float>(io.out[1]), (std::vector<float>{2, 4, 6, 8, 10, 12}));
    nrt_tensor_t* extra = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 4, "extra");
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "x", extra), NRT_SUCCESS);
    EXPECT_EQ(nrt_execute(m, io.inputs, io.outputs), NRT_INVALID) << "the model has no input \"x\"";
    nrt_tensor_free(&extra);
  }
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST_F(Execute, OutputsTakenStraightFromAnInputCopyIt) {
  nrt_model_t* m = LoadModelFile(ModelPath("sync_longname"), 0);
  ASSERT_NE(m, nullptr);
  {
    ModelIo io(m, 0);
    ASSERT_EQ(io.in.size(), 1u);
    ASSERT_EQ(io.out.size(), 2u);
    const std::vector<int32_t> v = {-7, 0, 123456};
    WriteAll(io.in[0], v);
    ASSERT_EQ(nrt_execute(m, io.inputs, io.outputs), NRT_SUCCESS);
    EXPECT_EQ(ReadAll<int32_t>(io.out[0]), v);
    EXPECT_EQ(ReadAll<int32_t>(io.out[1]), v);
  }
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST_F(Execute, MissingOrWrongInputNameIsInvalid) {
  ModelIo io(add_, 0);
  nrt_tensor_set_t* in = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, in, io.outputs), NRT_INVALID) << "empty input set";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "a", io.in[0]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, in, io.outputs), NRT_INVALID) << "input b missing";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "B", io.in[1]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, in, io.outputs), NRT_INVALID) << "\"B\" instead of \"b\"";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "b", io.in[1]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, in, io.outputs), NRT_INVALID) << "an extra input \"B\" the model does not have";
  nrt_destroy_tensor_set(&in);
  ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "a", io.in[0]), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "b", io.in[1]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, in, io.outputs), NRT_SUCCESS) << "exact names";
  nrt_destroy_tensor_set(&in);
}

TEST_F(Execute, MissingOrWrongOutputNameIsInvalid) {
  ModelIo io(add_, 0);
  nrt_tensor_set_t* out = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&out), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, out), NRT_INVALID) << "empty output set";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, "sum", io.out[0]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, out), NRT_INVALID) << "\"sum\" is the graph value, \"out\" the output name";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, "out", io.out[0]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, out), NRT_INVALID) << "extra output entry";
  nrt_destroy_tensor_set(&out);
  EXPECT_EQ(nrt_execute(add_, io.inputs, io.inputs), NRT_INVALID) << "inputs as outputs";
  EXPECT_EQ(nrt_execute(add_, io.outputs, io.outputs), NRT_INVALID) << "outputs as inputs";
}

TEST_F(Execute, WrongTensorSizeIsInvalid) {
  ModelIo io(add_, 0);
  const size_t size = io.info[0].size;
  ASSERT_EQ(size, 128u);
  for (size_t bad : {size - 1, size + 1, size * 2, size_t{4}}) {
    nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, bad, "bad size");
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "b", t), NRT_SUCCESS);
    EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_INVALID) << "input of " << bad << " bytes";
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "b", io.in[1]), NRT_SUCCESS);
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, "out", t), NRT_SUCCESS);
    EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_INVALID) << "output of " << bad << " bytes";
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, "out", io.out[0]), NRT_SUCCESS);
    nrt_tensor_free(&t);
  }
  // A slice of the right size is fine even though its storage is bigger.
  nrt_tensor_t* big = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 3 * size, "big");
  nrt_tensor_t* slice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(big, size, size, "slice", &slice), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "b", slice), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  nrt_tensor_free(&slice);
  nrt_tensor_free(&big);
}

TEST_F(Execute, NullArgumentsAreInvalid) {
  ModelIo io(add_, 0);
  EXPECT_EQ(nrt_execute(nullptr, io.inputs, io.outputs), NRT_INVALID);
  EXPECT_EQ(nrt_execute(add_, nullptr, io.outputs), NRT_INVALID);
  EXPECT_EQ(nrt_execute(add_, io.inputs, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_execute_repeat(nullptr, io.inputs, io.outputs, 1), NRT_INVALID);
}

TEST_F(Execute, TensorOnAnotherCoreIsInvalid) {
  ModelIo io(add_, 0);
  nrt_tensor_t* elsewhere = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 1, io.info[0].size, "on core 1");
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "a", elsewhere), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_INVALID) << "input on core 1, model on core 0";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "a", io.in[0]), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, "out", elsewhere), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_INVALID) << "output on core 1, model on core 0";
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, "out", io.out[0]), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  nrt_tensor_free(&elsewhere);
}

TEST_F(Execute, FailedExecuteChangesNoOutput) {
  ModelIo io(add_, 0);
  WriteAll(io.out[0], std::vector<float>(32, -7.0f));
  nrt_tensor_t* wrong = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8, "wrong");
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "b", wrong), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_INVALID);
  EXPECT_EQ(ReadAll<float>(io.out[0]), std::vector<float>(32, -7.0f));
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, 1), NRT_TIMEOUT) << "a rejected execute completed nothing";
  nrt_tensor_free(&wrong);
}

TEST_F(Execute, HostAndVirtualTensorsAreAccepted) {
  for (nrt_tensor_placement_t placement : {NRT_TENSOR_PLACEMENT_HOST, NRT_TENSOR_PLACEMENT_VIRTUAL}) {
    SCOPED_TRACE(testing::Message() << "placement " << placement);
    ModelIo io(add_, 0, placement);
    const std::vector<float> a = AddInput(3, 1), b = AddInput(-1, 2);
    WriteAll(io.in[0], a);
    WriteAll(io.in[1], b);
    ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
    std::vector<float> out = ReadAll<float>(io.out[0]);
    for (int i = 0; i < 32; ++i) EXPECT_FLOAT_EQ(out[i], a[i] + b[i]);
  }
}

TEST_F(Execute, MixedPlacementsAreAccepted) {
  ModelIo io(add_, 0);
  nrt_tensor_t* host_b = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 128, "host b");
  nrt_tensor_t* virt_out = MakeTensor(NRT_TENSOR_PLACEMENT_VIRTUAL, -1, 128, "virtual out");
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "b", host_b), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, "out", virt_out), NRT_SUCCESS);
  WriteAll(io.in[0], AddInput(1, 1));
  WriteAll(host_b, AddInput(10, 10));
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<float>(virt_out), AddInput(11, 11));
  nrt_tensor_free(&host_b);
  nrt_tensor_free(&virt_out);
}

TEST_F(Execute, AttachedCallerBuffersAreReadAndWritten) {
  std::vector<float> a = AddInput(2, 2), b = AddInput(5, -1), out(32, 0.0f);
  nrt_tensor_t *ta = nullptr, *tb = nullptr, *tout = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("a", &ta), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_empty("b", &tb), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_empty("out", &tout), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_attach_buffer(ta, a.data(), 128), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_attach_buffer(tb, b.data(), 128), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_attach_buffer(tout, out.data(), 128), NRT_SUCCESS);
  nrt_tensor_set_t *in = nullptr, *os = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
  ASSERT_EQ(nrt_allocate_tensor_set(&os), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "a", ta), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "b", tb), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(os, "out", tout), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(add_, in, os), NRT_SUCCESS);
  for (int i = 0; i < 32; ++i) EXPECT_FLOAT_EQ(out[i], a[i] + b[i]) << "result lands in the caller's buffer";
  nrt_tensor_t* empty = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("no memory", &empty), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(os, "out", empty), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(add_, in, os), NRT_INVALID) << "an output without memory";
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&os);
  for (nrt_tensor_t** p : {&ta, &tb, &tout, &empty}) nrt_tensor_free(p);
}

TEST_F(Execute, OutputIntoSliceWritesParentRange) {
  ModelIo io(add_, 0);
  nrt_tensor_t* parent = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 3 * 128, "parent");
  nrt_tensor_t* slice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(parent, 128, 128, "middle", &slice), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, "out", slice), NRT_SUCCESS);
  WriteAll(io.in[0], AddInput(1, 0));
  WriteAll(io.in[1], AddInput(1, 0));
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  std::vector<float> all = ReadAll<float>(parent);
  for (int i = 0; i < 96; ++i) EXPECT_EQ(all[i], (i >= 32 && i < 64) ? 2.0f : 0.0f) << i;
  nrt_tensor_free(&slice);
  nrt_tensor_free(&parent);
}

TEST_F(Execute, OutputCompletionCounterBumpsPerExecute) {
  ModelIo io(add_, 0);
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 1000, 1), NRT_TIMEOUT) << "no execution yet";
  for (uint64_t n = 1; n <= 3; ++n) {
    ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, n), NRT_SUCCESS) << "after execute " << n;
    EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 1000, n + 1), NRT_TIMEOUT) << "after execute " << n;
  }
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], -1, 2), NRT_SUCCESS) << "an already reached count, no limit";
  ASSERT_EQ(nrt_tensor_reset_output_completion(io.out[0]), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, 1), NRT_TIMEOUT) << "reset to 0";
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, 0), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, 1), NRT_SUCCESS);
}

TEST_F(Execute, OutputCompletionCountsPerTensorNotPerSet) {
  nrt_model_t* mm = LoadModelFile(ModelPath("sync_matmul"), 0);
  ASSERT_NE(mm, nullptr);
  {
    ModelIo io(mm, 0);
    ASSERT_EQ(io.out.size(), 2u);
    ASSERT_EQ(nrt_execute(mm, io.inputs, io.outputs), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(mm, io.inputs, io.outputs), NRT_SUCCESS);
    for (nrt_tensor_t* o : io.out) {
      EXPECT_EQ(nrt_tensor_check_output_completion(o, 0, 2), NRT_SUCCESS);
      EXPECT_EQ(nrt_tensor_check_output_completion(o, 0, 3), NRT_TIMEOUT);
    }
    ASSERT_EQ(nrt_tensor_reset_output_completion(io.out[0]), NRT_SUCCESS);
    EXPECT_EQ(nrt_tensor_check_output_completion(io.out[1], 0, 2), NRT_SUCCESS) << "reset is per tensor";
  }
  EXPECT_EQ(nrt_unload(mm), NRT_SUCCESS);
}

TEST_F(Execute, CheckOutputCompletionWakesWhenAnotherThreadExecutes) {
  ModelIo io(add_, 0);
  std::atomic<int> waited{-1}, unlimited{-1};
  std::thread waiter([&] { waited = nrt_tensor_check_output_completion(io.out[0], 30'000'000, 1); });
  std::thread forever([&] { unlimited = nrt_tensor_check_output_completion(io.out[0], -1, 2); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  waiter.join();
  forever.join();
  EXPECT_EQ(waited.load(), NRT_SUCCESS);
  EXPECT_EQ(unlimited.load(), NRT_SUCCESS);
}

TEST_F(Execute, CheckOutputCompletionWithHugeTimeoutWaits) {
  // INT64_MAX microseconds must mean "a very long time", not overflow into an immediate timeout.
  ModelIo io(add_, 0);
  std::atomic<int> status{-1};
  std::thread waiter([&] { status = nrt_tensor_check_output_completion(io.out[0], INT64_MAX, 1); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(status.load(), -1) << "returned before any execution: "
                               << nrt_get_status_as_str(static_cast<NRT_STATUS>(status.load()));
  ASSERT_EQ(nrt_execute(add_, io.inputs, io.outputs), NRT_SUCCESS);
  waiter.join();
  EXPECT_EQ(status.load(), NRT_SUCCESS);
}

TEST_F(Execute, DestroyedSetIsInvalid) {
  ModelIo io(add_, 0);
  nrt_tensor_set_t* stale = io.inputs;
  nrt_destroy_tensor_set(&io.inputs);
  EXPECT_EQ(nrt_execute(add_, stale, io.outputs), NRT_INVALID);
}

TEST_F(Execute, UnloadWhileOtherThreadsExecuteIsSafe) {
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"), 2);
  ASSERT_NE(m, nullptr);
  std::atomic<int> unexpected{0}, succeeded{0}, ready{0};
  std::atomic<bool> unloaded{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      ModelIo io(m, 2);
      const std::vector<float> a = AddInput(1, 1), b = AddInput(2, 2);
      nrt_tensor_write(io.in[0], a.data(), 0, 128);
      nrt_tensor_write(io.in[1], b.data(), 0, 128);
      ready++;
      // Until an execute that started after nrt_unload returned (bounded, should unload never return).
      for (int i = 0; i < 10'000'000; ++i) {
        const bool after = unloaded.load();
        NRT_STATUS s = nrt_execute(m, io.inputs, io.outputs);
        if (s == NRT_SUCCESS) {
          succeeded++;
          if (after) unexpected++;  // started after nrt_unload returned
          if (ReadAll<float>(io.out[0]) != AddInput(3, 3)) unexpected++;
        } else if (s != NRT_INVALID) {
          unexpected++;
        }
        if (after) break;
      }
    });
  }
  while (ready.load() < 4) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
  unloaded = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_GT(succeeded.load(), 0);
}

TEST_F(Execute, ExecuteRepeatCountOneWorks) {
  ModelIo io(add_, 0);
  WriteAll(io.in[0], AddInput(1, 1));
  WriteAll(io.in[1], AddInput(2, 2));
  ASSERT_EQ(nrt_execute_repeat(add_, io.inputs, io.outputs, 1), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<float>(io.out[0]), AddInput(3, 3));
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, 1), NRT_SUCCESS);
}

TEST_F(Execute, ExecuteRepeatAboveOneIsInvalid) {
  ModelIo io(add_, 0);
  WriteAll(io.out[0], std::vector<float>(32, 9.0f));
  for (int count : {2, 3, 1000})
    EXPECT_EQ(nrt_execute_repeat(add_, io.inputs, io.outputs, count), NRT_INVALID) << count;
  EXPECT_EQ(ReadAll<float>(io.out[0]), std::vector<float>(32, 9.0f)) << "nothing ran";
  EXPECT_EQ(nrt_tensor_check_output_completion(io.out[0], 0, 1), NRT_TIMEOUT);
}

TEST_F(Execute, ManyThreadsExecuteOneModelConcurrently) {
  constexpr int kThreads = 8, kIterations = 200;
  std::atomic<int> bad_status{0}, bad_value{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ModelIo io(add_, 0);
      for (int it = 0; it < kIterations; ++it) {
        const std::vector<float> a = AddInput(static_cast<float>(t * 1000 + it), 1.0f),
                                 b = AddInput(static_cast<float>(t), 0.5f);
        if (nrt_tensor_write(io.in[0], a.data(), 0, 128) != NRT_SUCCESS ||
            nrt_tensor_write(io.in[1], b.data(), 0, 128) != NRT_SUCCESS ||
            nrt_execute(add_, io.inputs, io.outputs) != NRT_SUCCESS) {
          bad_status++;
          continue;
        }
        std::vector<float> out(32);
        if (nrt_tensor_read(io.out[0], out.data(), 0, 128) != NRT_SUCCESS) {
          bad_status++;
          continue;
        }
        for (int i = 0; i < 32; ++i) {
          if (out[i] != a[i] + b[i]) {
            bad_value++;
            break;
          }
        }
        done++;
      }
      if (nrt_tensor_check_output_completion(io.out[0], 0, kIterations) != NRT_SUCCESS) bad_status++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad_status.load(), 0);
  EXPECT_EQ(bad_value.load(), 0) << "a thread saw another thread's result or a partial one";
  EXPECT_EQ(done.load(), kThreads * kIterations);
}

TEST_F(Execute, ThreadsOnEveryCoreExecuteConcurrently) {
  std::vector<nrt_model_t*> models;
  for (int vnc = 0; vnc < 4; ++vnc) {
    models.push_back(LoadModelFile(ModelPath("sync_matmul"), vnc));
    ASSERT_NE(models.back(), nullptr);
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int vnc = 0; vnc < 4; ++vnc) {
    threads.emplace_back([&, vnc] {
      ModelIo io(models[vnc], vnc);
      const std::vector<float> x = {1, 0, 0, 0, 1, 0};  // rows e0, e1
      const float s = static_cast<float>(vnc + 1);
      const std::vector<float> w = {s, 0, 0, 0, 0, s, 0, 0, 0, 0, s, 0};  // s * [I3 | 0]
      if (nrt_tensor_write(io.in[0], x.data(), 0, 24) != NRT_SUCCESS) failures++;
      if (nrt_tensor_write(io.in[1], w.data(), 0, 48) != NRT_SUCCESS) failures++;
      for (int it = 0; it < 100; ++it) {
        if (nrt_execute(models[vnc], io.inputs, io.outputs) != NRT_SUCCESS) {
          failures++;
          continue;
        }
        float h[8];
        nrt_tensor_read(io.out[1], h, 0, sizeof h);
        const float expect[8] = {s, 0, 0, 0, 0, s, 0, 0};
        if (std::memcmp(h, expect, sizeof h) != 0) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (auto m : models) EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

}  // namespace
