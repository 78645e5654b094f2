#include "runtime/neff/shape_inference.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

using ::testing::HasSubstr;
using Strides = std::vector<uint64_t>;

template <class F>
void ExpectInvalid(F&& f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no error; wanted: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    EXPECT_THAT(e.what(), HasSubstr(text));
  }
}

TEST(ShapeInferenceTest, CountsAndStrides) {
  EXPECT_EQ(ShapeToString({}), "[]");
  EXPECT_EQ(ShapeToString({2, 3}), "[2, 3]");
  EXPECT_EQ(ElementCount({}), 1u);
  EXPECT_EQ(ElementCount({2, 3, 4}), 24u);
  EXPECT_EQ(ElementCount({4294967295u, 4294967295u}), 18446744065119617025u);
  ExpectInvalid([] { ElementCount({4294967295u, 4294967295u, 2}); }, "more than 2^64");
  EXPECT_EQ(RowMajorStrides({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(NormalizeAxis(-1, 3), 2u);
  EXPECT_EQ(NormalizeAxis(0, 3), 0u);
  ExpectInvalid([] { NormalizeAxis(3, 3); }, "axis 3 is out of range for rank 3");
  ExpectInvalid([] { NormalizeAxis(-4, 3); }, "axis -4 is out of range");
}

TEST(ShapeInferenceTest, Broadcast) {
  BroadcastPlan p = InferBroadcast({2, 1, 4}, {3, 1});
  EXPECT_EQ(p.out, (Shape{2, 3, 4}));
  EXPECT_EQ(p.a_strides, (Strides{4, 0, 1}));
  EXPECT_EQ(p.b_strides, (Strides{0, 1, 0}));
  EXPECT_FALSE(p.same_shape);
  p = InferBroadcast({}, {5});
  EXPECT_EQ(p.out, (Shape{5}));
  EXPECT_EQ(p.a_strides, (Strides{0}));
  EXPECT_TRUE(InferBroadcast({2, 3}, {2, 3}).same_shape);
  ExpectInvalid([] { InferBroadcast({2, 3}, {4}); }, "shapes [2, 3] and [4] do not broadcast (dim 1: 3 vs 4)");
}

// One single-element operand against a full one takes the flat scalar loop (cpu_ops.cc); anything that repeats
// the full operand's elements does not.
TEST(ShapeInferenceTest, BroadcastOfASingleElement) {
  EXPECT_TRUE(InferBroadcast({4}, {}).b_scalar);
  EXPECT_TRUE(InferBroadcast({4}, {1, 1}).b_scalar);  // rank grows, elements do not repeat
  EXPECT_TRUE(InferBroadcast({}, {2, 3}).a_scalar);
  EXPECT_FALSE(InferBroadcast({}, {2, 3}).b_scalar);
  EXPECT_TRUE(InferBroadcast({1, 1}, {1}).b_scalar);  // both single: one flag only
  EXPECT_FALSE(InferBroadcast({1, 1}, {1}).a_scalar);
  EXPECT_TRUE(InferBroadcast({3, 1}, {1}).b_scalar);        // out [3, 1]: b is the single element
  const BroadcastPlan outer = InferBroadcast({3}, {2, 1});  // out [2,3]: neither side is the whole output
  EXPECT_FALSE(outer.a_scalar || outer.b_scalar);
  EXPECT_FALSE(InferBroadcast({2, 3}, {2, 3}).b_scalar);  // same shape: the same-shape loop
}

TEST(ShapeInferenceTest, MatMul) {
  MatMulPlan p = InferMatMul({2, 3}, {3, 5});
  EXPECT_EQ(p.out, (Shape{2, 5}));
  EXPECT_EQ(p.m, 2u);
  EXPECT_EQ(p.k, 3u);
  EXPECT_EQ(p.n, 5u);
  p = InferMatMul({4, 1, 2, 3}, {6, 3, 5});
  EXPECT_EQ(p.out, (Shape{4, 6, 2, 5}));
  EXPECT_EQ(p.batch.a_strides, (Strides{1, 0}));
  EXPECT_EQ(p.batch.b_strides, (Strides{0, 1}));
  ExpectInvalid([] { InferMatMul({2, 3}, {4, 5}); }, "inner dimensions differ: a is [2, 3] (K=3), b is [4, 5] (K=4)");
  ExpectInvalid([] { InferMatMul({3}, {3, 5}); }, "rank >= 2");
  ExpectInvalid([] { InferMatMul({2, 2, 3}, {3, 3, 5}); }, "do not broadcast");
}

TEST(ShapeInferenceTest, Axis) {
  AxisPlan p = InferAxis({2, 3, 4}, 1);
  EXPECT_EQ(p.outer, 2u);
  EXPECT_EQ(p.axis_len, 3u);
  EXPECT_EQ(p.inner, 4u);
  p = InferAxis({2, 3, 4}, -1);
  EXPECT_EQ(p.outer, 6u);
  EXPECT_EQ(p.inner, 1u);
  ExpectInvalid([] { InferAxis({}, -1); }, "rank >= 1");
}

TEST(ShapeInferenceTest, Transpose) {
  TransposePlan p = InferTranspose({2, 3, 4}, {});
  EXPECT_EQ(p.out, (Shape{4, 3, 2}));
  EXPECT_EQ(p.in_strides, (Strides{1, 4, 12}));
  p = InferTranspose({2, 3, 4}, {0, 2, 1});
  EXPECT_EQ(p.out, (Shape{2, 4, 3}));
  EXPECT_EQ(p.in_strides, (Strides{12, 1, 4}));
  EXPECT_TRUE(InferTranspose({}, {}).out.empty());
  ExpectInvalid([] { InferTranspose({2, 3}, {0}); }, "perm has 1 entries for an operand of rank 2");
  ExpectInvalid([] { InferTranspose({2, 3}, {1, 1}); }, "not a permutation");
  ExpectInvalid([] { InferTranspose({2, 3}, {0, 2}); }, "not a permutation");
}

TEST(ShapeInferenceTest, Reshape) {
  EXPECT_EQ(InferReshape({2, 3, 4}, {6, 4}), (Shape{6, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-1, 2}), (Shape{12, 2}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-1}), (Shape{24}));
  EXPECT_EQ(InferReshape({1}, {}), Shape{});
  ExpectInvalid([] { InferReshape({2, 3}, {4, 2}); }, "cannot reshape [2, 3] (6 elements) to [4, 2]");
  ExpectInvalid([] { InferReshape({2, 3}, {-1, -1}); }, "more than one -1");
  ExpectInvalid([] { InferReshape({2, 3}, {-1, 4}); }, "cannot reshape");
  ExpectInvalid([] { InferReshape({2, 3}, {0, 6}); }, "target dim 0 is 0");
  ExpectInvalid([] { InferReshape({2, 3}, {-2, 3}); }, "target dim 0 is -2");
  ExpectInvalid([] { InferReshape({2, 3}, {4294967295, 4294967295, -1}); }, "too many elements");
  ExpectInvalid([] { InferReshape({2}, std::vector<int64_t>(33, 1)); }, "33 dims");
}

TEST(ShapeInferenceTest, Reduce) {
  ReducePlan p = InferReduce({2, 3, 4}, {1}, false);
  EXPECT_EQ(p.out, (Shape{2, 4}));
  EXPECT_EQ(p.out_strides, (Strides{4, 0, 1}));
  p = InferReduce({2, 3, 4}, {-1, 0}, true);
  EXPECT_EQ(p.out, (Shape{1, 3, 1}));
  EXPECT_EQ(p.out_strides, (Strides{0, 1, 0}));
  p = InferReduce({2, 3}, {}, false);
  EXPECT_EQ(p.out, Shape{});
  EXPECT_EQ(p.out_strides, (Strides{0, 0}));
  ExpectInvalid([] { InferReduce({2, 3}, {1, -1}, false); }, "axis -1 is listed twice");
  ExpectInvalid([] { InferReduce({2, 3}, {2}, false); }, "out of range");
}

}  // namespace
}  // namespace nrtb
