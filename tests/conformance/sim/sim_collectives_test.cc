// Host-driven collectives (nrta_cc_prepare / nrta_cc_schedule, nrt_barrier, nrt_all_gather) among the
// logical cores of one process: each rank is one core, running its part on its COLLECTIVES unit.
// Results are checked against a float64 reference; failures (a peer that never arrives, one that gave
// up, ranks that disagree) must end in a status, never a hang.
#include <cmath>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "nrtest.h"

using namespace nrtest;

namespace {

struct Comm {
  std::vector<uint32_t> group;
  nrt_cc_comm_t c{};
  Comm(std::vector<uint32_t> g, uint32_t rank, uint32_t vnc) : group(std::move(g)) {
    c.replica_group = group.data();
    c.rank = rank;
    c.rank_n = static_cast<uint32_t>(group.size());
    c.vnc = vnc;
  }
};

NRT_STATUS Prepare(Comm& comm, std::vector<nrt_tensor_t*> in, std::vector<nrt_tensor_t*> out, nrt_dtype_t dtype,
                   nrt_op_type_t op, nrt_cc_op_type_t cc, nrt_cc_context_t** ctx) {
  nrt_tensor_list_t li{in.data(), in.size()}, lo{out.data(), out.size()};
  return nrta_cc_prepare(&comm.c, &li, &lo, dtype, op, cc, ctx);
}

// Prepares and schedules one collective; fails the test on a refused call.
void Start(Comm& comm, std::vector<nrt_tensor_t*> in, std::vector<nrt_tensor_t*> out, nrt_dtype_t dtype,
           nrt_op_type_t op, nrt_cc_op_type_t cc, Req* p, int queue = 0) {
  nrt_cc_context_t* ctx = nullptr;
  ASSERT_EQ(Prepare(comm, in, out, dtype, op, cc, &ctx), NRT_SUCCESS);
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(nrta_cc_schedule(&ctx, queue, &p->ret, &p->seq), NRT_SUCCESS);
  EXPECT_EQ(ctx, nullptr) << "a scheduled context belongs to the runtime";
}

std::vector<uint32_t> Ranks(uint32_t n) {
  std::vector<uint32_t> v(n);
  for (uint32_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

std::vector<float> RandomFloats(size_t n, uint32_t seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-4.0f, 4.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(g);
  return v;
}

double Reduce(nrt_op_type_t op, double a, double b) {
  return op == NRT_OP_ADD ? a + b : op == NRT_OP_MAX ? std::max(a, b) : std::min(a, b);
}

// All-reduce of float32 over `n` ranks (cores 0..n-1), checked against a float64 reference.
void CheckFloatAllReduce(uint32_t n, nrt_op_type_t op, size_t elems) {
  std::vector<std::unique_ptr<Tensor>> in, out;
  std::vector<std::vector<float>> data;
  std::vector<double> want(elems);
  for (uint32_t r = 0; r < n; ++r) {
    in.push_back(std::make_unique<Tensor>(r, elems * 4, "in"));
    out.push_back(std::make_unique<Tensor>(r, elems * 4, "out"));
    data.push_back(RandomFloats(elems, 17 + r));
    WriteAll(*in[r], data[r]);
    for (size_t i = 0; i < elems; ++i) want[i] = r == 0 ? data[0][i] : Reduce(op, want[i], data[r][i]);
  }
  std::vector<Comm> comms;
  for (uint32_t r = 0; r < n; ++r) comms.emplace_back(Ranks(n), r, r);
  std::vector<Req> p(n);
  for (uint32_t r = 0; r < n; ++r) Start(comms[r], {*in[r]}, {*out[r]}, NRT_DTYPE_FLOAT32, op, NRT_CC_ALLREDUCE, &p[r]);
  for (uint32_t r = 0; r < n; ++r) {
    ASSERT_TRUE(WaitSeq(p[r].seq));
    ASSERT_EQ(p[r].ret, NRT_SUCCESS) << "rank " << r;
  }
  std::vector<float> first = ReadAll<float>(*out[0]);
  for (uint32_t r = 0; r < n; ++r) {
    std::vector<float> got = ReadAll<float>(*out[r]);
    EXPECT_EQ(std::memcmp(got.data(), first.data(), elems * 4), 0) << "rank " << r << " differs from rank 0";
    for (size_t i = 0; i < elems; ++i) {
      ASSERT_NEAR(got[i], want[i], 1e-5 * n * 4) << "rank " << r << " element " << i;
    }
  }
}

}  // namespace

TEST(SimCollectives, AllReduceFloat32AddOverTwoRanksMatchesFloat64) {
  NRTEST_INIT(rt);
  CheckFloatAllReduce(2, NRT_OP_ADD, 1000);
}

TEST(SimCollectives, AllReduceFloat32OverFourRanksAddMaxMin) {
  NRTEST_INIT(rt);
  for (nrt_op_type_t op : {NRT_OP_ADD, NRT_OP_MAX, NRT_OP_MIN}) CheckFloatAllReduce(4, op, 3001);
}

TEST(SimCollectives, AllReduceLargeBufferSplitsWorkAcrossRanks) {
  NRTEST_INIT(rt);
  CheckFloatAllReduce(4, NRT_OP_ADD, (3 << 20) / 4 + 7);  // several 1 MiB pieces, uneven slices
}

TEST(SimCollectives, AllReduceInt32IsExactAndWraps) {
  NRTEST_INIT(rt);
  const uint32_t n = 4;
  const size_t elems = 257;
  std::vector<std::unique_ptr<Tensor>> t;
  std::vector<int64_t> want(elems, 0);
  for (uint32_t r = 0; r < n; ++r) {
    t.push_back(std::make_unique<Tensor>(r, elems * 4, "x"));
    std::vector<int32_t> v(elems);
    for (size_t i = 0; i < elems; ++i) v[i] = static_cast<int32_t>(i * 1000003 + r * 77) - (i == 0 ? 0 : 0x40000000);
    v[0] = INT32_MAX;  // wraps around on the second add
    WriteAll(*t[r], v);
    for (size_t i = 0; i < elems; ++i) want[i] += v[i];
  }
  std::vector<Comm> comms;
  for (uint32_t r = 0; r < n; ++r) comms.emplace_back(Ranks(n), r, r);
  std::vector<Req> p(n);
  // In place: the output is the input.
  for (uint32_t r = 0; r < n; ++r)
    Start(comms[r], {*t[r]}, {*t[r]}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p[r]);
  for (uint32_t r = 0; r < n; ++r) {
    ASSERT_TRUE(WaitSeq(p[r].seq));
    ASSERT_EQ(p[r].ret, NRT_SUCCESS);
  }
  for (uint32_t r = 0; r < n; ++r) {
    std::vector<int32_t> got = ReadAll<int32_t>(*t[r]);
    for (size_t i = 0; i < elems; ++i)
      ASSERT_EQ(got[i], static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(want[i])))) << i;
  }
}

TEST(SimCollectives, AllReduceBfloat16AndFloat16WithinTheirTolerance) {
  NRTEST_INIT(rt);
  const uint32_t n = 4;
  const size_t elems = 512;
  for (nrt_dtype_t dtype : {NRT_DTYPE_BFLOAT16, NRT_DTYPE_FLOAT16}) {
    // Values exactly representable in both (multiples of 1/8 below 32), so the reference is exact.
    std::vector<std::unique_ptr<Tensor>> t;
    std::vector<double> want(elems, 0);
    for (uint32_t r = 0; r < n; ++r) {
      t.push_back(std::make_unique<Tensor>(r, elems * 2, "x"));
      std::vector<uint16_t> bits(elems);
      for (size_t i = 0; i < elems; ++i) {
        float f = static_cast<float>((i * 7 + r * 13) % 256) / 8.0f - 16.0f;
        want[i] += f;
        uint32_t u;
        std::memcpy(&u, &f, 4);
        if (dtype == NRT_DTYPE_BFLOAT16) {
          bits[i] = static_cast<uint16_t>(u >> 16);
        } else {  // float16 of a value with <= 8 significant bits and |f| < 32: exact
          uint32_t sign = (u >> 16) & 0x8000, exp = (u >> 23) & 0xFF, mant = u & 0x7FFFFF;
          bits[i] = f == 0 ? 0 : static_cast<uint16_t>(sign | ((exp - 127 + 15) << 10) | (mant >> 13));
        }
      }
      WriteAll(*t[r], bits);
    }
    std::vector<Comm> comms;
    for (uint32_t r = 0; r < n; ++r) comms.emplace_back(Ranks(n), r, r);
    std::vector<Req> p(n);
    for (uint32_t r = 0; r < n; ++r) Start(comms[r], {*t[r]}, {*t[r]}, dtype, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p[r]);
    for (uint32_t r = 0; r < n; ++r) {
      ASSERT_TRUE(WaitSeq(p[r].seq));
      ASSERT_EQ(p[r].ret, NRT_SUCCESS);
    }
    std::vector<uint16_t> first = ReadAll<uint16_t>(*t[0]);
    for (uint32_t r = 0; r < n; ++r) {
      std::vector<uint16_t> got = ReadAll<uint16_t>(*t[r]);
      EXPECT_EQ(got, first) << "rank " << r;
      for (size_t i = 0; i < elems; ++i) {
        float f;
        if (dtype == NRT_DTYPE_BFLOAT16) {
          uint32_t u = static_cast<uint32_t>(got[i]) << 16;
          std::memcpy(&f, &u, 4);
        } else {
          uint32_t h = got[i], sign = (h & 0x8000) << 16, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
          uint32_t u = exp == 0 ? sign : sign | ((exp - 15 + 127) << 23) | (mant << 13);
          std::memcpy(&f, &u, 4);
        }
        // Each of the n-1 steps rounds once: relative error <= (n-1) * 2^-8 (bf16), 2^-11 (f16).
        const double eps = dtype == NRT_DTYPE_BFLOAT16 ? 1.0 / 256 : 1.0 / 2048;
        ASSERT_NEAR(f, want[i], (n - 1) * eps * 64 + 1e-6) << "element " << i;
      }
    }
  }
}

TEST(SimCollectives, AllGatherIntoOneTensorAndIntoOnePerRank) {
  NRTEST_INIT(rt);
  const uint32_t n = 4;
  const size_t bytes = 96;
  std::vector<std::unique_ptr<Tensor>> in, whole, parts;
  for (uint32_t r = 0; r < n; ++r) {
    in.push_back(std::make_unique<Tensor>(r, bytes, "in"));
    whole.push_back(std::make_unique<Tensor>(r, bytes * n, "whole"));
    WriteAll(*in[r], std::vector<uint8_t>(bytes, static_cast<uint8_t>(0x10 + r)));
    for (uint32_t j = 0; j < n; ++j) parts.push_back(std::make_unique<Tensor>(r, bytes, "part"));
  }
  std::vector<Comm> comms;
  for (uint32_t r = 0; r < n; ++r) comms.emplace_back(Ranks(n), r, r);
  std::vector<Req> a(n), b(n);
  for (uint32_t r = 0; r < n; ++r) {
    Start(comms[r], {*in[r]}, {*whole[r]}, NRT_DTYPE_UINT8, NRT_OP_INVALID, NRT_CC_ALLGATHER, &a[r]);
    std::vector<nrt_tensor_t*> mine;
    for (uint32_t j = 0; j < n; ++j) mine.push_back(*parts[r * n + j]);
    Start(comms[r], {*in[r]}, mine, NRT_DTYPE_UINT8, NRT_OP_INVALID, NRT_CC_ALLGATHER, &b[r]);
  }
  for (uint32_t r = 0; r < n; ++r) {
    ASSERT_TRUE(WaitSeq(b[r].seq));  // same queue: a[r] completed before b[r]
    ASSERT_EQ(a[r].ret, NRT_SUCCESS);
    ASSERT_EQ(b[r].ret, NRT_SUCCESS);
    std::vector<uint8_t> got = ReadAll<uint8_t>(*whole[r]);
    for (uint32_t j = 0; j < n; ++j) {
      EXPECT_EQ(std::vector<uint8_t>(got.begin() + j * bytes, got.begin() + (j + 1) * bytes),
                std::vector<uint8_t>(bytes, static_cast<uint8_t>(0x10 + j)));
      EXPECT_EQ(ReadAll<uint8_t>(*parts[r * n + j]), std::vector<uint8_t>(bytes, static_cast<uint8_t>(0x10 + j)));
    }
  }
}

TEST(SimCollectives, ReduceScatterFromOneTensorAndFromOnePerRank) {
  NRTEST_INIT(rt);
  const uint32_t n = 2;
  const size_t elems = 64;  // per rank's chunk
  std::vector<std::unique_ptr<Tensor>> whole, parts, out1, out2;
  for (uint32_t r = 0; r < n; ++r) {
    whole.push_back(std::make_unique<Tensor>(r, elems * n * 4, "whole"));
    std::vector<int32_t> v(elems * n);
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(i + 1000 * r);
    WriteAll(*whole[r], v);
    for (uint32_t j = 0; j < n; ++j) {
      parts.push_back(std::make_unique<Tensor>(r, elems * 4, "part"));
      WriteAll(*parts.back(), std::vector<int32_t>(v.begin() + j * elems, v.begin() + (j + 1) * elems));
    }
    out1.push_back(std::make_unique<Tensor>(r, elems * 4, "o1"));
    out2.push_back(std::make_unique<Tensor>(r, elems * 4, "o2"));
  }
  std::vector<Comm> comms;
  for (uint32_t r = 0; r < n; ++r) comms.emplace_back(Ranks(n), r, r);
  std::vector<Req> a(n), b(n);
  for (uint32_t r = 0; r < n; ++r) {
    Start(comms[r], {*whole[r]}, {*out1[r]}, NRT_DTYPE_INT32, NRT_OP_MAX, NRT_CC_REDUCESCATTER, &a[r]);
    std::vector<nrt_tensor_t*> mine;
    for (uint32_t j = 0; j < n; ++j) mine.push_back(*parts[r * n + j]);
    Start(comms[r], mine, {*out2[r]}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_REDUCESCATTER, &b[r], 2);
  }
  for (uint32_t r = 0; r < n; ++r) {
    ASSERT_TRUE(WaitSeq(a[r].seq));
    ASSERT_TRUE(WaitSeq(b[r].seq));
    ASSERT_EQ(a[r].ret, NRT_SUCCESS);
    ASSERT_EQ(b[r].ret, NRT_SUCCESS);
    std::vector<int32_t> mx = ReadAll<int32_t>(*out1[r]), sum = ReadAll<int32_t>(*out2[r]);
    for (size_t i = 0; i < elems; ++i) {
      const int32_t base = static_cast<int32_t>(r * elems + i);
      EXPECT_EQ(mx[i], base + 1000 * (n - 1));
      EXPECT_EQ(sum[i], base * 2 + 1000);
    }
  }
}

// Completion events work for collectives as for every unit: an eventfd registered for the request (rank 0)
// or for the COLLECTIVES queue (rank 1) is signalled when the all-reduce completes, with the result in place.
TEST(SimCollectives, CompletionSignalsTheRequestAndQueueEventfds) {
  NRTEST_INIT(rt);
  Tensor a(0, 4096), b(1, 4096);
  WriteAll(a, std::vector<int32_t>(1024, 2));
  WriteAll(b, std::vector<int32_t>(1024, 5));
  Comm c0(Ranks(2), 0, 0), c1(Ranks(2), 1, 1);
  EventFd by_seq, by_queue;
  ASSERT_EQ(nrta_event_register_xu_completion(1, NRTA_XU_COLLECTIVES, 0, by_queue.fd()), NRT_SUCCESS);
  Req p0, p1;
  Start(c0, {a}, {a}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  ASSERT_EQ(nrta_event_register_seq_id_completion(p0.seq, by_seq.fd()), NRT_SUCCESS);
  Start(c1, {b}, {b}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p1);
  EXPECT_GE(ReadEventFd(by_seq.fd(), static_cast<int>(kGenerousTimeoutS * 1000)), 1u);
  EXPECT_GE(ReadEventFd(by_queue.fd(), static_cast<int>(kGenerousTimeoutS * 1000)), 1u);
  EXPECT_EQ(p0.ret, NRT_SUCCESS);
  EXPECT_EQ(p1.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadAll<int32_t>(a), std::vector<int32_t>(1024, 7));
  EXPECT_EQ(ReadAll<int32_t>(b), std::vector<int32_t>(1024, 7));
  ASSERT_EQ(nrta_event_register_xu_completion(1, NRTA_XU_COLLECTIVES, 0, -1), NRT_SUCCESS);
}

TEST(SimCollectives, ReplicaGroupSubsetLeavesOtherCoresOut) {
  NRTEST_INIT(rt);
  // Ranks 1 and 3 only; cores 0 and 2 never take part.
  Tensor a(1, 16), b(3, 16);
  WriteAll(a, std::vector<int32_t>{1, 2, 3, 4});
  WriteAll(b, std::vector<int32_t>{10, 20, 30, 40});
  Comm c1({1, 3}, 0, 1), c3({1, 3}, 1, 3);
  Req p1, p3;
  Start(c1, {a}, {a}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p1);
  Start(c3, {b}, {b}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p3);
  ASSERT_TRUE(WaitSeq(p1.seq));
  ASSERT_TRUE(WaitSeq(p3.seq));
  EXPECT_EQ(p1.ret, NRT_SUCCESS);
  EXPECT_EQ(p3.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadAll<int32_t>(a), (std::vector<int32_t>{11, 22, 33, 44}));
  EXPECT_EQ(ReadAll<int32_t>(b), (std::vector<int32_t>{11, 22, 33, 44}));
  EXPECT_EQ(SeqXu(p1.seq), XuId(1, NRTA_XU_COLLECTIVES, 0));
  EXPECT_EQ(CompletedNum(0, NRTA_XU_COLLECTIVES, 0), 0u);
}

TEST(SimCollectives, ManyThreadsOneRankEachStayInStep) {
  NRTEST_INIT(rt);
  const uint32_t n = 4;
  const int rounds = 40;
  std::vector<std::unique_ptr<Tensor>> t;
  for (uint32_t r = 0; r < n; ++r) t.push_back(std::make_unique<Tensor>(r, 64 * 4, "x"));
  std::vector<std::thread> threads;
  std::vector<int> bad(n, 0);
  for (uint32_t r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      Comm comm(Ranks(n), r, r);
      for (int k = 0; k < rounds; ++k) {
        std::vector<int32_t> v(64, static_cast<int32_t>(k * 10 + r));
        if (nrt_tensor_write(*t[r], v.data(), 0, v.size() * 4) != NRT_SUCCESS) ++bad[r];
        nrt_cc_context_t* ctx = nullptr;
        Req p;
        nrt_tensor_t* x = *t[r];
        if (Prepare(comm, {x}, {x}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx) != NRT_SUCCESS ||
            nrta_cc_schedule(&ctx, 1, &p.ret, &p.seq) != NRT_SUCCESS || !WaitSeq(p.seq) || p.ret != NRT_SUCCESS) {
          ++bad[r];
          return;
        }
        std::vector<int32_t> got = ReadAll<int32_t>(*t[r]);
        if (got != std::vector<int32_t>(64, k * 40 + 6)) ++bad[r];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad, std::vector<int>(n, 0));
}

TEST(SimCollectives, SyncBarrierAndAllGatherAcrossThreads) {
  NRTEST_INIT(rt);
  const uint32_t n = 3;
  std::vector<std::vector<uint32_t>> out(n, std::vector<uint32_t>(n * 2, 0));
  std::vector<NRT_STATUS> bs(n, kSentinelStatus), gs(n, kSentinelStatus);
  std::vector<std::thread> threads;
  for (uint32_t r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      bs[r] = nrt_barrier(static_cast<int32_t>(r), r, n);
      uint32_t in[2] = {r, r * 100};
      gs[r] = nrt_all_gather(static_cast<int32_t>(r), r, n, sizeof in, in, out[r].data());
    });
  }
  for (auto& th : threads) th.join();
  for (uint32_t r = 0; r < n; ++r) {
    EXPECT_EQ(bs[r], NRT_SUCCESS);
    EXPECT_EQ(gs[r], NRT_SUCCESS);
    EXPECT_EQ(out[r], (std::vector<uint32_t>{0, 0, 1, 100, 2, 200}));
  }
}

TEST(SimCollectives, MismatchedSizesFailEveryRankWithInvalid) {
  NRTEST_INIT(rt);
  Tensor a(0, 64), b(1, 128);
  Comm c0(Ranks(2), 0, 0), c1(Ranks(2), 1, 1);
  Req p0, p1;
  StderrCapture capture;
  Start(c0, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  Start(c1, {b}, {b}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p1);
  ASSERT_TRUE(WaitSeq(p0.seq));
  ASSERT_TRUE(WaitSeq(p1.seq));
  EXPECT_EQ(p0.ret, NRT_INVALID);
  EXPECT_EQ(p1.ret, NRT_INVALID);
  // The unit is not fatal: a matching collective runs next.
  Req q0, q1;
  Tensor b2(1, 64);
  Start(c0, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &q0);
  Start(c1, {b2}, {b2}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &q1);
  ASSERT_TRUE(WaitSeq(q1.seq));
  ASSERT_TRUE(WaitSeq(q0.seq));
  EXPECT_EQ(q0.ret, NRT_SUCCESS);
  EXPECT_EQ(q1.ret, NRT_SUCCESS);
  const std::string text = capture.Stop();
  EXPECT_EQ(LinesWith(text, {"do not match"}).size(), 2u) << text;
}

TEST(SimCollectives, PeerThatNeverArrivesTimesOutAndTurnsTheUnitFatal) {
  SetEnv("NEURON_RT_EXEC_TIMEOUT", "0.3");
  NRTEST_INIT(rt);
  Tensor a(0, 64);
  Comm c0(Ranks(2), 0, 0);
  Req p0;
  const auto t0 = Clock::now();
  Start(c0, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  ASSERT_TRUE(WaitSeq(p0.seq));
  EXPECT_EQ(p0.ret, NRT_TIMEOUT);
  EXPECT_LT(SecondsSince(t0), kGenerousTimeoutS);
  nrt_cc_context_t* ctx = nullptr;
  ASSERT_EQ(Prepare(c0, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_SUCCESS);
  Req q;
  EXPECT_EQ(nrta_cc_schedule(&ctx, 0, &q.ret, &q.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
  EXPECT_NE(ctx, nullptr) << "a refused schedule leaves the context with the caller";
  // Other queues of the collectives XU are units of their own.
  Req other;
  Tensor x(2, 4);
  Comm solo({2}, 0, 2);
  Start(solo, {x}, {x}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &other, 1);
  ASSERT_TRUE(WaitSeq(other.seq));
  EXPECT_EQ(other.ret, NRT_SUCCESS);
}

TEST(SimCollectives, LateRankOfAFailedCollectiveGetsHwErrCollectives) {
  SetEnv("NEURON_RT_EXEC_TIMEOUT", "0.2");
  NRTEST_INIT(rt);
  Tensor a(0, 64), b(1, 64);
  Comm c0(Ranks(2), 0, 0), c1(Ranks(2), 1, 1);
  Req p0, p1;
  Start(c0, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  ASSERT_TRUE(WaitSeq(p0.seq));
  ASSERT_EQ(p0.ret, NRT_TIMEOUT);
  Start(c1, {b}, {b}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p1);
  ASSERT_TRUE(WaitSeq(p1.seq));
  EXPECT_EQ(p1.ret, NRT_EXEC_HW_ERR_COLLECTIVES);
  Req q;
  nrt_cc_context_t* ctx = nullptr;
  ASSERT_EQ(Prepare(c1, {b}, {b}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_SUCCESS);
  EXPECT_EQ(nrta_cc_schedule(&ctx, 0, &q.ret, &q.seq), NRT_EXEC_UNIT_UNRECOVERABLE);
}

TEST(SimCollectives, CloseWhileWaitingForAPeerCompletesTheRequest) {
  NRTEST_INIT(rt);
  Tensor a(0, 64);
  Comm c0(Ranks(2), 0, 0);
  Req p0;
  Start(c0, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  a.Release();  // freed by nrt_close
  const auto t0 = Clock::now();
  rt.Close();
  EXPECT_LT(SecondsSince(t0), 10.0) << "nrt_close waited for the missing peer";
  EXPECT_EQ(p0.ret, NRT_CLOSED);
}

TEST(SimCollectives, ScheduledContextIsOwnedByTheRuntime) {
  NRTEST_INIT(rt);
  Tensor a(0, 16);
  Comm solo({0}, 0, 0);
  nrt_cc_context_t* ctx = nullptr;
  ASSERT_EQ(Prepare(solo, {a}, {a}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_SUCCESS);
  nrt_cc_context_t* copy = ctx;
  Req p;
  ASSERT_EQ(nrta_cc_schedule(&ctx, 0, &p.ret, &p.seq), NRT_SUCCESS);
  EXPECT_EQ(ctx, nullptr);
  Req q;
  EXPECT_EQ(nrta_cc_schedule(&ctx, 0, &q.ret, &q.seq), NRT_INVALID) << "NULL context";
  EXPECT_EQ(nrta_cc_schedule(&copy, 0, &q.ret, &q.seq), NRT_INVALID) << "a context scheduled before";
  EXPECT_EQ(q.ret, kSentinelStatus);
  ASSERT_TRUE(WaitSeq(p.seq));
  EXPECT_EQ(p.ret, NRT_SUCCESS);
  // An unscheduled context may be left to nrt_close.
  ASSERT_EQ(Prepare(solo, {a}, {a}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_SUCCESS);
}

TEST(SimCollectives, PrepareRefusesWhatOneRankCanKnowIsWrong) {
  NRTEST_INIT(rt);
  Tensor a(0, 64), b(0, 64), other_core(1, 64);
  nrt_cc_context_t* ctx = nullptr;
  Comm c(Ranks(2), 0, 0);
  auto prep = [&](Comm& comm, std::vector<nrt_tensor_t*> in, std::vector<nrt_tensor_t*> out, nrt_dtype_t dtype,
                  nrt_op_type_t op, nrt_cc_op_type_t cc) { return Prepare(comm, in, out, dtype, op, cc, &ctx); };
  EXPECT_EQ(prep(c, {a}, {b}, NRT_DTYPE_FLOAT32, NRT_OP_FMA, NRT_CC_ALLREDUCE), NRT_INVALID) << "FMA";
  EXPECT_EQ(prep(c, {a}, {b}, NRT_DTYPE_FP8_E4, NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID) << "fp8 has no arithmetic";
  EXPECT_EQ(prep(c, {a}, {b}, static_cast<nrt_dtype_t>(0x55), NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID);
  EXPECT_EQ(prep(c, {a}, {b}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, static_cast<nrt_cc_op_type_t>(7)), NRT_INVALID);
  EXPECT_EQ(prep(c, {a}, {other_core}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID) << "wrong core";
  Tensor odd(0, 66);
  EXPECT_EQ(prep(c, {odd}, {odd}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID) << "partial element";
  EXPECT_EQ(prep(c, {a}, {b}, NRT_DTYPE_UINT8, NRT_OP_INVALID, NRT_CC_ALLGATHER), NRT_INVALID) << "output too small";
  Comm dup({0, 0}, 0, 0), beyond({0, 9}, 0, 0), not_me({1, 0}, 0, 0);
  EXPECT_EQ(prep(dup, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID) << "rank twice";
  EXPECT_EQ(prep(beyond, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID) << "rank 9 of 4";
  EXPECT_EQ(prep(not_me, {a}, {a}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE), NRT_INVALID)
      << "position 0 names rank 1, core 0 holds rank 0";
  EXPECT_EQ(ctx, nullptr);
  // An output that overlaps the input without being it: refused when the ranks meet, on every rank.
  Tensor big0(0, 128), big1(1, 128);
  nrt_tensor_t *head0 = nullptr, *tail0 = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_slice(big0, 0, 96, "head", &head0), NRT_SUCCESS);
  ASSERT_EQ(nrt_tensor_allocate_slice(big0, 32, 96, "tail", &tail0), NRT_SUCCESS);
  Tensor s1(1, 96), t1(1, 96);
  Comm c1(Ranks(2), 1, 1);
  Req p0, p1;
  Start(c, {head0}, {tail0}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  Start(c1, {s1}, {t1}, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p1);
  ASSERT_TRUE(WaitSeq(p0.seq));
  ASSERT_TRUE(WaitSeq(p1.seq));
  EXPECT_EQ(p0.ret, NRT_INVALID);
  EXPECT_EQ(p1.ret, NRT_INVALID);
  nrt_tensor_free(&head0);
  nrt_tensor_free(&tail0);
}

TEST(SimCollectives, GlobalCommInitPlacesRanksOnCores) {
  NRTEST_INIT(rt);
  // Two ranks on cores 2 and 3 only.
  ASSERT_EQ(nrt_cc_global_comm_init(2, 0, 2), NRT_SUCCESS);
  ASSERT_EQ(nrt_cc_global_comm_init(3, 1, 2), NRT_SUCCESS);
  EXPECT_EQ(nrt_cc_global_comm_init(3, 1, 2), NRT_SUCCESS) << "idempotent";
  EXPECT_EQ(nrt_cc_global_comm_init(0, 1, 2), NRT_INVALID) << "rank 1 is on core 3";
  EXPECT_EQ(nrt_cc_global_comm_init(2, 1, 2), NRT_INVALID) << "core 2 holds rank 0";
  EXPECT_EQ(nrt_cc_global_comm_init(1, 0, 3), NRT_INVALID) << "the world has 2 ranks";
  EXPECT_EQ(nrt_cc_global_comm_init(9, 0, 2), NRT_INVALID) << "no core 9";
  Tensor a(2, 8), b(3, 8), c0(0, 8);
  WriteAll(a, std::vector<int32_t>{1, 2});
  WriteAll(b, std::vector<int32_t>{30, 40});
  Comm r0(Ranks(2), 0, 2), r1(Ranks(2), 1, 3), nobody(Ranks(2), 0, 0);
  nrt_cc_context_t* ctx = nullptr;
  EXPECT_EQ(Prepare(nobody, {c0}, {c0}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_INVALID)
      << "core 0 holds no rank";
  r0.c.ctx_device_id = 0;
  r0.c.ctx_device_count = 2;
  Req p0, p1;
  Start(r0, {a}, {a}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p0);
  Start(r1, {b}, {b}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &p1);
  ASSERT_TRUE(WaitSeq(p0.seq));
  ASSERT_TRUE(WaitSeq(p1.seq));
  EXPECT_EQ(p0.ret, NRT_SUCCESS);
  EXPECT_EQ(ReadAll<int32_t>(b), (std::vector<int32_t>{31, 42}));
  EXPECT_EQ(nrt_barrier(2, 0, 3), NRT_INVALID) << "the world has 2 ranks";
}

TEST(SimCollectives, RootCommIdNeedsAPlacedRankAndAValidAddress) {
  SetEnv("NEURON_RT_ROOT_COMM_ID", "127.0.0.1:1");
  {
    NRTEST_INIT(rt);
    Tensor a(0, 16);
    Comm c(Ranks(2), 0, 0);
    nrt_cc_context_t* ctx = nullptr;
    EXPECT_EQ(Prepare(c, {a}, {a}, NRT_DTYPE_INT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx), NRT_INVALID)
        << "no nrt_cc_global_comm_init: which rank is this process?";
  }
  for (const char* bad : {"nonsense", "host:", ":80", "host:0", "host:70000", "host:12x"}) {
    SetEnv("NEURON_RT_ROOT_COMM_ID", bad);
    Runtime rt;
    EXPECT_NE(rt.status(), NRT_SUCCESS) << bad;
  }
}
