// Set membership, host placement and deferred release bookkeeping.
#include "tensor_registry.h"

#include <gtest/gtest.h>

namespace nrt_shim {
namespace {

nrt_tensor_t* T(uintptr_t v) { return reinterpret_cast<nrt_tensor_t*>(v); }
nrt_tensor_set_t* S(uintptr_t v) { return reinterpret_cast<nrt_tensor_set_t*>(v); }

TEST(TensorRegistry, AddingUnderAnExistingNameReplaces) {
  TensorRegistry r;
  r.AddToSet(S(1), "x", T(10));
  r.AddToSet(S(1), "y", T(11));
  r.AddToSet(S(1), "x", T(12));
  auto m = r.Members(S(1));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].tensor, T(12));
  EXPECT_EQ(m[1].tensor, T(11));
  EXPECT_TRUE(r.Members(S(2)).empty());
}

TEST(TensorRegistry, FreeWithoutUsesForgetsAtOnce) {
  TensorRegistry r;
  r.AddToSet(S(1), "x", T(10));
  r.MarkHost(T(10));
  EXPECT_FALSE(r.DeferOrForgetTensor(T(10)));
  EXPECT_FALSE(r.IsHost(T(10)));
  EXPECT_TRUE(r.Members(S(1)).empty());  // a reused address does not inherit the old membership
}

TEST(TensorRegistry, FreeUnderAPendingUseIsDeferredToTheLastRetirement) {
  TensorRegistry r;
  r.AddUses({T(10), T(11)}, {S(1)});
  r.AddUses({T(10)}, {S(1)});
  EXPECT_TRUE(r.DeferOrForgetTensor(T(10)));
  EXPECT_TRUE(r.DeferOrForgetSet(S(1)));
  auto due = r.DropUses({T(10), T(11)}, {S(1)});
  EXPECT_TRUE(due.tensors.empty());  // still used by the second execution
  EXPECT_TRUE(due.sets.empty());
  due = r.DropUses({T(10)}, {S(1)});
  EXPECT_EQ(due.tensors, (std::vector<nrt_tensor_t*>{T(10)}));
  EXPECT_EQ(due.sets, (std::vector<nrt_tensor_set_t*>{S(1)}));
  // Nothing is pending any more: a free now is immediate.
  EXPECT_FALSE(r.DeferOrForgetTensor(T(11)));
}

TEST(TensorRegistry, UsesWithoutAFreeReleaseNothing) {
  TensorRegistry r;
  r.AddUses({T(10)}, {S(1)});
  auto due = r.DropUses({T(10)}, {S(1)});
  EXPECT_TRUE(due.tensors.empty());
  EXPECT_TRUE(due.sets.empty());
}

}  // namespace
}  // namespace nrt_shim
