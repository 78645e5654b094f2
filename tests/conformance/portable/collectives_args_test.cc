// Argument checks of the host-driven collectives calls that any libnrt makes (SPEC §1.2, §4.6):
// NULL pointers and impossible communicators are NRT_INVALID, nothing is written, nothing hangs.
#include "nrtest.h"

using namespace nrtest;

namespace {

struct Args {
  uint32_t group[2] = {0, 1};
  nrt_cc_comm_t comm{};
  nrt_tensor_t* in_t = nullptr;
  nrt_tensor_t* out_t = nullptr;
  nrt_tensor_list_t in{}, out{};
  Args(nrt_tensor_t* a, nrt_tensor_t* b) : in_t(a), out_t(b) {
    comm.replica_group = group;
    comm.rank = 0;
    comm.rank_n = 1;  // a group of one: complete on its own
    comm.vnc = 0;
    in = {&in_t, 1};
    out = {&out_t, 1};
  }
};

}  // namespace

TEST(CollectivesArgs, PrepareRefusesNullArguments) {
  NRTEST_INIT(rt);
  Tensor a(0, 64), b(0, 64);
  Args x(a, b);
  nrt_cc_context_t* ctx = nullptr;
  EXPECT_EQ(nrta_cc_prepare(nullptr, &x.in, &x.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  EXPECT_EQ(nrta_cc_prepare(&x.comm, nullptr, &x.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  EXPECT_EQ(nrta_cc_prepare(&x.comm, &x.in, nullptr, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  EXPECT_EQ(nrta_cc_prepare(&x.comm, &x.in, &x.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, nullptr),
            NRT_INVALID);
  nrt_tensor_t* none = nullptr;
  nrt_tensor_list_t holes{&none, 1};
  EXPECT_EQ(nrta_cc_prepare(&x.comm, &holes, &x.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  EXPECT_EQ(ctx, nullptr);
}

TEST(CollectivesArgs, PrepareRefusesImpossibleCommunicators) {
  NRTEST_INIT(rt);
  Tensor a(0, 64), b(0, 64);
  nrt_cc_context_t* ctx = nullptr;
  Args rank_out(a, b);
  rank_out.comm.rank = 1;  // rank_n is 1
  EXPECT_EQ(nrta_cc_prepare(&rank_out.comm, &rank_out.in, &rank_out.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD,
                            NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  Args empty(a, b);
  empty.comm.rank_n = 0;
  EXPECT_EQ(nrta_cc_prepare(&empty.comm, &empty.in, &empty.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  Args no_group(a, b);
  no_group.comm.replica_group = nullptr;
  EXPECT_EQ(nrta_cc_prepare(&no_group.comm, &no_group.in, &no_group.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD,
                            NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  Args bad_core(a, b);
  bad_core.comm.vnc = 1000;
  EXPECT_EQ(nrta_cc_prepare(&bad_core.comm, &bad_core.in, &bad_core.out, NRT_DTYPE_FLOAT32, NRT_OP_ADD,
                            NRT_CC_ALLREDUCE, &ctx),
            NRT_INVALID);
  EXPECT_EQ(ctx, nullptr);
}

TEST(CollectivesArgs, ScheduleRefusesNullAndForeignContexts) {
  NRTEST_INIT(rt);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  EXPECT_EQ(nrta_cc_schedule(nullptr, 0, &ret, &seq), NRT_INVALID);
  nrt_cc_context_t* null_ctx = nullptr;
  EXPECT_EQ(nrta_cc_schedule(&null_ctx, 0, &ret, &seq), NRT_INVALID);
  int junk = 0;
  auto* foreign = reinterpret_cast<nrt_cc_context_t*>(&junk);
  EXPECT_EQ(nrta_cc_schedule(&foreign, 0, &ret, &seq), NRT_INVALID);
  EXPECT_EQ(foreign, reinterpret_cast<nrt_cc_context_t*>(&junk)) << "a refused context is left as it was";
  EXPECT_EQ(ret, kSentinelStatus);
  EXPECT_EQ(seq, kSentinelSeq);
}

TEST(CollectivesArgs, SingleRankAllReduceCopiesAndQueueIsChecked) {
  NRTEST_INIT(rt);
  Tensor a(0, 16), b(0, 16);
  WriteAll(a, std::vector<int32_t>{1, 2, 3, 4});
  Args x(a, b);
  nrt_cc_context_t* ctx = nullptr;
  ASSERT_EQ(nrta_cc_prepare(&x.comm, &x.in, &x.out, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_SUCCESS);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;
  EXPECT_EQ(nrta_cc_schedule(&ctx, 3, &ret, &seq), NRT_INVALID) << "the collectives XU has queues 0-2";
  EXPECT_EQ(nrta_cc_schedule(&ctx, 0, nullptr, &seq), NRT_INVALID);
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(nrta_cc_schedule(&ctx, 2, &ret, &seq), NRT_SUCCESS);
  EXPECT_EQ(ctx, nullptr);
  ASSERT_TRUE(WaitSeq(seq));
  EXPECT_EQ(ret, NRT_SUCCESS);
  EXPECT_EQ(SeqXu(seq), XuId(0, NRTA_XU_COLLECTIVES, 2));
  EXPECT_EQ(ReadAll<int32_t>(b), (std::vector<int32_t>{1, 2, 3, 4}));
}
