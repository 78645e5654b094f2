// Tensor sets: add / replace / look up, destroy, and what execution sees of them.
#include <string>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

TEST(TensorSet, AllocateAndDestroySetsPointerToNull) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  ASSERT_NE(set, nullptr);
  nrt_destroy_tensor_set(&set);
  EXPECT_EQ(set, nullptr);
  EXPECT_EQ(nrt_allocate_tensor_set(nullptr), NRT_INVALID);
}

TEST(TensorSet, DestroyNullAndDoubleDestroyAreSafe) {
  NRTEST_INIT(rt);
  nrt_destroy_tensor_set(nullptr);
  nrt_tensor_set_t* set = nullptr;
  nrt_destroy_tensor_set(&set);
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_set_t* copy = set;
  nrt_destroy_tensor_set(&set);
  nrt_destroy_tensor_set(&copy);  // destroyed twice: logged, no crash
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  nrt_tensor_set_t* stale = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&stale), NRT_SUCCESS);
  nrt_tensor_set_t* keep = stale;
  nrt_destroy_tensor_set(&stale);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(keep, "a", t), NRT_INVALID) << "a destroyed set is refused";
  nrt_tensor_t* out = nullptr;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(keep, "a", &out), NRT_INVALID);
  nrt_tensor_free(&t);
}

TEST(TensorSet, AddThenGetReturnsTheTensor) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  std::vector<nrt_tensor_t*> tensors;
  for (int i = 0; i < 50; ++i) {
    tensors.push_back(MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, i % 4, 8));
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, ("name_" + std::to_string(i)).c_str(), tensors.back()), NRT_SUCCESS);
  }
  for (int i = 0; i < 50; ++i) {
    nrt_tensor_t* got = nullptr;
    ASSERT_EQ(nrt_get_tensor_from_tensor_set(set, ("name_" + std::to_string(i)).c_str(), &got), NRT_SUCCESS);
    EXPECT_EQ(got, tensors[i]) << i;
  }
  nrt_destroy_tensor_set(&set);
  for (nrt_tensor_t*& t : tensors) nrt_tensor_free(&t);
}

TEST(TensorSet, AddReplacesTensorOfTheSameName) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_t* first = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8, "first");
  nrt_tensor_t* second = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8, "second");
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, "x", first), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, "x", second), NRT_SUCCESS);
  nrt_tensor_t* got = nullptr;
  ASSERT_EQ(nrt_get_tensor_from_tensor_set(set, "x", &got), NRT_SUCCESS);
  EXPECT_EQ(got, second);
  nrt_destroy_tensor_set(&set);
  nrt_tensor_free(&first);
  nrt_tensor_free(&second);
}

TEST(TensorSet, NamesAreCaseSensitiveAndExact) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, "input0", t), NRT_SUCCESS);
  nrt_tensor_t* got = nullptr;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "INPUT0", &got), NRT_FAILURE);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "input", &got), NRT_FAILURE);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "input0 ", &got), NRT_FAILURE);
  EXPECT_EQ(got, nullptr);
  nrt_destroy_tensor_set(&set);
  nrt_tensor_free(&t);
}

TEST(TensorSet, GetMissingNameReturnsFailureAndLeavesOutputUntouched) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_t* sentinel = reinterpret_cast<nrt_tensor_t*>(0x5eed);
  nrt_tensor_t* out = sentinel;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "missing", &out), NRT_FAILURE);
  EXPECT_EQ(out, sentinel);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, "present", t), NRT_SUCCESS);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "missing", &out), NRT_FAILURE);
  EXPECT_EQ(out, sentinel);
  nrt_destroy_tensor_set(&set);
  nrt_tensor_free(&t);
}

TEST(TensorSet, AddAndGetRejectBadArguments) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(nullptr, "a", t), NRT_INVALID);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(set, nullptr, t), NRT_INVALID);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(set, "", t), NRT_INVALID);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(set, "a", nullptr), NRT_INVALID);
  nrt_tensor_t* gone = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 8);
  nrt_tensor_t* stale = gone;
  nrt_tensor_free(&gone);
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(set, "b", stale), NRT_INVALID) << "a freed tensor";
  nrt_tensor_t* out = nullptr;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(nullptr, "a", &out), NRT_INVALID);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, nullptr, &out), NRT_INVALID);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "a", nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(set, "b", &out), NRT_FAILURE) << "the rejected add added nothing";
  nrt_destroy_tensor_set(&set);
  nrt_tensor_free(&t);
}

TEST(TensorSet, DestroyingTheSetDoesNotFreeItsTensors) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(set, "a", t), NRT_SUCCESS);
  nrt_destroy_tensor_set(&set);
  const uint64_t v = 0x0102030405060708ull;
  EXPECT_EQ(nrt_tensor_write(t, &v, 0, sizeof v), NRT_SUCCESS);
  EXPECT_EQ(ReadAll<uint64_t>(t)[0], v);
  nrt_tensor_free(&t);
}

TEST(TensorSet, OneTensorUnderSeveralNamesAndSets) {
  NRTEST_INIT(rt);
  nrt_tensor_set_t *s1 = nullptr, *s2 = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&s1), NRT_SUCCESS);
  ASSERT_EQ(nrt_allocate_tensor_set(&s2), NRT_SUCCESS);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 8);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(s1, "a", t), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(s1, "b", t), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(s2, "a", t), NRT_SUCCESS);
  nrt_tensor_t *x = nullptr, *y = nullptr, *z = nullptr;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(s1, "a", &x), NRT_SUCCESS);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(s1, "b", &y), NRT_SUCCESS);
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(s2, "a", &z), NRT_SUCCESS);
  EXPECT_EQ(x, t);
  EXPECT_EQ(y, t);
  EXPECT_EQ(z, t);
  nrt_destroy_tensor_set(&s1);
  nrt_tensor_t* again = nullptr;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(s2, "a", &again), NRT_SUCCESS) << "destroying s1 left s2 alone";
  nrt_destroy_tensor_set(&s2);
  nrt_tensor_free(&t);
}

TEST(TensorSet, FreedTensorInSetMakesExecuteInvalid) {
  NRTEST_INIT(rt);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(model, nullptr);
  {
    ModelIo io(model, 0);
    ASSERT_EQ(io.in.size(), 2u);
    ASSERT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    nrt_tensor_free(&io.in[1]);  // still named in the input set
    EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_INVALID);
    // Replacing it with a live tensor makes the set usable again.
    io.in[1] = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[1].size, io.info[1].name.c_str());
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[1].name.c_str(), io.in[1]), NRT_SUCCESS);
    EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    // The same for an output.
    nrt_tensor_free(&io.out[0]);
    EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_INVALID);
  }
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

TEST(TensorSet, SetKeysNeedNotMatchTensorNames) {
  NRTEST_INIT(rt);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(model, nullptr);
  std::vector<IoInfo> info = GetTensorInfo(model);
  ASSERT_EQ(info.size(), 3u);
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&in), NRT_SUCCESS);
  ASSERT_EQ(nrt_allocate_tensor_set(&out), NRT_SUCCESS);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, info[0].size, "unrelated name 1");
  nrt_tensor_t* b = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, info[1].size, "unrelated name 2");
  nrt_tensor_t* o = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, info[2].size, nullptr);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, info[0].name.c_str(), a), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(in, info[1].name.c_str(), b), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(out, info[2].name.c_str(), o), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(model, in, out), NRT_SUCCESS);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  for (nrt_tensor_t** p : {&a, &b, &o}) nrt_tensor_free(p);
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

TEST(TensorSet, SameTensorAsInputTwiceIsAccepted) {
  NRTEST_INIT(rt);
  nrt_model_t* model = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(model, nullptr);
  {
    ModelIo io(model, 0);
    std::vector<float> v(32);
    for (int i = 0; i < 32; ++i) v[i] = static_cast<float>(i) - 3.5f;
    WriteAll(io.in[0], v);
    ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[1].name.c_str(), io.in[0]), NRT_SUCCESS);
    ASSERT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    std::vector<float> out = ReadAll<float>(io.out[0]);
    for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], 2 * v[i]) << i;
  }
  EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
}

}  // namespace
