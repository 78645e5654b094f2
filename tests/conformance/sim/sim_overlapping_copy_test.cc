// Defect 10 (issue 6): copies whose host buffer aliases the tensor's own memory, as the buffer does
// when it comes from nrt_tensor_get_va. Each copy must behave as memmove (the bytes that were at the
// source arrive at the destination); with memcpy, AddressSanitizer reports memcpy-param-overlap and
// the result is undefined. Simulator-specific: device tensors have a host address here.
#include <algorithm>
#include <vector>

#include "nrtest.h"
#include "nrt/nrt_async.h"

namespace {

using nrtest::MakeTensor;

constexpr size_t kBytes = 1024;

std::vector<uint8_t> Pattern() {
  std::vector<uint8_t> p(kBytes);
  for (size_t i = 0; i < kBytes; ++i) p[i] = static_cast<uint8_t>(i * 3 + 1);
  return p;
}

// A device tensor holding Pattern(), its host address, and what memmove(dst, src, n) within it yields.
struct Aliased {
  nrt_tensor_t* t = nullptr;
  uint8_t* va = nullptr;
  std::vector<uint8_t> before = Pattern();

  Aliased() {
    t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, kBytes, "aliased");
    if (t == nullptr) return;
    EXPECT_EQ(nrt_tensor_write(t, before.data(), 0, kBytes), NRT_SUCCESS);
    va = static_cast<uint8_t*>(nrt_tensor_get_va(t));
  }
  ~Aliased() { nrt_tensor_free(&t); }
  std::vector<uint8_t> Moved(size_t dst, size_t src, size_t n) const {
    std::vector<uint8_t> want = before;
    std::copy(before.begin() + static_cast<std::ptrdiff_t>(src), before.begin() + static_cast<std::ptrdiff_t>(src + n),
              want.begin() + static_cast<std::ptrdiff_t>(dst));
    return want;
  }
  std::vector<uint8_t> Now() const { return std::vector<uint8_t>(va, va + kBytes); }
};

#define ALIASED(x) \
  Aliased x;       \
  ASSERT_NE(x.va, nullptr) << "nrt_tensor_get_va"

TEST(SimOverlappingCopy, TensorWriteFromItsOwnMemory) {
  NRTEST_INIT(rt);
  ALIASED(a);
  ASSERT_EQ(nrt_tensor_write(a.t, a.va + 8, 0, 512), NRT_SUCCESS);  // destination below the source
  EXPECT_EQ(a.Now(), a.Moved(0, 8, 512));
  ALIASED(b);
  ASSERT_EQ(nrt_tensor_write(b.t, b.va, 8, 512), NRT_SUCCESS);  // destination above the source
  EXPECT_EQ(b.Now(), b.Moved(8, 0, 512));
}

TEST(SimOverlappingCopy, TensorReadIntoItsOwnMemory) {
  NRTEST_INIT(rt);
  ALIASED(a);
  ASSERT_EQ(nrt_tensor_read(a.t, a.va + 8, 0, 512), NRT_SUCCESS);
  EXPECT_EQ(a.Now(), a.Moved(8, 0, 512));
  ALIASED(b);
  ASSERT_EQ(nrt_tensor_read(b.t, b.va, 8, 512), NRT_SUCCESS);
  EXPECT_EQ(b.Now(), b.Moved(0, 8, 512));
}

TEST(SimOverlappingCopy, BatchReadAndWriteWithAliasedBuffers) {
  NRTEST_INIT(rt);
  ALIASED(a);
  nrt_tensor_batch_op_t wop{0, 256, a.va + 16};
  nrt_tensor_batch_t wb{a.t, &wop, 1};
  ASSERT_EQ(nrt_tensor_write_batch(&wb, 1, false), NRT_SUCCESS);
  EXPECT_EQ(a.Now(), a.Moved(0, 16, 256));
  ALIASED(b);
  nrt_tensor_batch_op_t rop{0, 256, b.va + 16};
  nrt_tensor_batch_t rb{b.t, &rop, 1};
  ASSERT_EQ(nrt_tensor_read_batch(&rb, 1, false), NRT_SUCCESS);
  EXPECT_EQ(b.Now(), b.Moved(16, 0, 256));
}

TEST(SimOverlappingCopy, MemcpyToDeviceWithinOneTensor) {
  NRTEST_INIT(rt);
  ALIASED(a);
  ASSERT_EQ(nrt_memcpy_to_device(a.va + 32, a.va, 512), NRT_SUCCESS);
  EXPECT_EQ(a.Now(), a.Moved(32, 0, 512));
}

TEST(SimOverlappingCopy, AsyncTensorReadAndWriteWithAliasedBuffers) {
  NRTEST_INIT(rt);
  ALIASED(a);
  NRT_STATUS ret = NRT_FAILURE;
  nrta_seq_t seq = 0;
  ASSERT_EQ(nrta_tensor_read(a.va + 4, a.t, 0, 512, 0, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(nrtest::WaitSeq(seq));
  EXPECT_EQ(ret, NRT_SUCCESS);
  EXPECT_EQ(a.Now(), a.Moved(4, 0, 512));
  ALIASED(b);
  ret = NRT_FAILURE;
  ASSERT_EQ(nrta_tensor_write(b.t, b.va + 4, 0, 512, 0, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(nrtest::WaitSeq(seq));
  EXPECT_EQ(ret, NRT_SUCCESS);
  EXPECT_EQ(b.Now(), b.Moved(0, 4, 512));
}

TEST(SimOverlappingCopy, PassThroughOutputOverlappingItsInput) {
  NRTEST_INIT(rt);
  nrt_model_t* model = nrtest::LoadModelFile(nrtest::ModelPath("passthrough"), 0);
  ASSERT_NE(model, nullptr);
  // One tensor holds the input a = [0, 128), the pass-through output same = [4, 132) and twice.
  ALIASED(base);
  nrt_tensor_t *a = nullptr, *same = nullptr, *twice = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(base.t, 0, 128, "a", &a), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_slice(base.t, 4, 128, "same", &same), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_slice(base.t, 512, 128, "twice", &twice), NRT_SUCCESS);
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
  ASSERT_EQ(nrt_allocate_tensor_set(&out), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, "a", a), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, "same", same), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, "twice", twice), NRT_SUCCESS);
  std::vector<float> input(32);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i) + 0.5f;
  ASSERT_EQ(nrt_tensor_write(a, input.data(), 0, 128), NRT_SUCCESS);

  ASSERT_EQ(nrt_execute(model, in, out), NRT_SUCCESS);
  std::vector<float> got_same(32), got_twice(32);
  ASSERT_EQ(nrt_tensor_read(same, got_same.data(), 0, 128), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_read(twice, got_twice.data(), 0, 128), NRT_SUCCESS);
  EXPECT_EQ(got_same, input) << "the pass-through output holds the input as it was";
  for (size_t i = 0; i < input.size(); ++i) EXPECT_EQ(got_twice[i], 2 * input[i]) << i;

  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&a);
  nrt_tensor_free(&same);
  nrt_tensor_free(&twice);
  ASSERT_EQ(nrt_unload(model), NRT_SUCCESS);
}

}  // namespace
