#include "runtime/collectives/local_exchange.h"

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/error.h"

namespace nrtb {
namespace {

uint64_t MonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// An all-reduce plan over host buffers for rank `index` of `n`.
std::unique_ptr<CcPlan> HostAllReduce(uint32_t n, uint32_t index, std::vector<int32_t>& in, std::vector<int32_t>& out) {
  auto plan = std::make_unique<CcPlan>();
  CcPlan& p = *plan;
  p.kind = CcKind::kAllReduce;
  p.dtype = DType::kInt32;
  p.op = ReduceOp::kAdd;
  p.reduce = ReduceFunction(p.dtype, p.op);
  for (uint32_t r = 0; r < n; ++r) p.group.push_back(r);
  p.index = index;
  p.inputs = {{nullptr, 0, in.size() * 4, reinterpret_cast<uint8_t*>(in.data())}};
  p.outputs = {{nullptr, 0, out.size() * 4, reinterpret_cast<uint8_t*>(out.data())}};
  return plan;
}

TEST(LocalExchange, ThreeRanksAllReduceManyRoundsInStep) {
  LocalExchange ex;
  const uint32_t n = 3;
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (uint32_t r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      for (int k = 0; k < 200; ++k) {
        std::vector<int32_t> in(1000 + k, static_cast<int32_t>(r + k)), out(1000 + k, -1);
        auto p = HostAllReduce(n, r, in, out);
        if (ex.Run(*p, 0) != NRT_SUCCESS) ++bad;
        for (int32_t v : out) bad += v != static_cast<int32_t>(3 * k + 3);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

// Runs `body(rank)` on n threads at once, one per rank.
template <class Body>
void LxOnRanks(uint32_t n, Body body) {
  std::vector<std::thread> threads;
  for (uint32_t r = 0; r < n; ++r) threads.emplace_back([&, r] { body(r); });
  for (auto& t : threads) t.join();
}

// Each rank reduces slice `rank` (elems * j / n ... elems * (j + 1) / n) and copies the others'; slices
// of 0 elements (fewer elements than ranks), uneven slices, slices of one 8 KiB block and one element,
// slices of many blocks all give the exact sum everywhere, in place and not, with inputs left alone.
TEST(LocalExchange, AllReduceSlicesAtEveryChunkBoundary) {
  for (uint32_t n : {2u, 3u, 4u}) {
    LocalExchange ex;
    // The last size (1 MiB of int32 per slice and more) is slow enough that the ranks help each other; two ranks
    // are enough for it.
    for (size_t elems : {size_t{0}, size_t{1}, size_t{n - 1}, size_t{n}, size_t{n + 1}, size_t{2 * n + 1},
                         size_t{2048 * n + 1}, size_t{8192 * 3 * n + 7}, size_t{n == 2 ? 262144 * n + n + 1 : 0}}) {
      for (bool in_place : {false, true}) {
        std::vector<std::vector<int32_t>> in(n), out(n);
        for (uint32_t r = 0; r < n; ++r) {
          in[r].resize(elems);
          for (size_t i = 0; i < elems; ++i) in[r][i] = static_cast<int32_t>(i * 31 + r * 1000003);
          out[r].assign(elems, -7);
        }
        const std::vector<std::vector<int32_t>> original = in;
        std::vector<NRT_STATUS> got(n, NRT_FAILURE);
        LxOnRanks(n, [&](uint32_t r) {
          auto p = HostAllReduce(n, r, in[r], in_place ? in[r] : out[r]);
          got[r] = ex.Run(*p, 0);
        });
        for (uint32_t r = 0; r < n; ++r) {
          ASSERT_EQ(got[r], NRT_SUCCESS) << "n=" << n << " elems=" << elems << " rank " << r;
          const std::vector<int32_t>& res = in_place ? in[r] : out[r];
          size_t bad = 0;
          for (size_t i = 0; i < elems; ++i) {
            uint32_t want = 0;
            for (uint32_t q = 0; q < n; ++q) want += static_cast<uint32_t>(original[q][i]);
            bad += res[i] != static_cast<int32_t>(want);
          }
          EXPECT_EQ(bad, 0u) << "n=" << n << " elems=" << elems << " in_place=" << in_place << " rank " << r;
          if (!in_place) {
            EXPECT_EQ(in[r], original[r]) << "rank " << r << "'s input was written";
          }
        }
      }
    }
  }
}

// An all-reduce of a list: buffer p of each rank with buffer p of the others, each sliced on its own; the
// first in place, the second not.
TEST(LocalExchange, AllReduceOfTwoBuffersPairsThemUp) {
  const uint32_t n = 3;
  LocalExchange ex;
  std::vector<std::vector<int32_t>> a(n, std::vector<int32_t>(7)), b(n, std::vector<int32_t>(9001)),
      b_out(n, std::vector<int32_t>(9001, -1));
  for (uint32_t r = 0; r < n; ++r) {
    for (size_t i = 0; i < a[r].size(); ++i) a[r][i] = static_cast<int32_t>(r * 100 + i);
    for (size_t i = 0; i < b[r].size(); ++i) b[r][i] = static_cast<int32_t>(r * 7 + i * 3);
  }
  LxOnRanks(n, [&](uint32_t r) {
    auto p = HostAllReduce(n, r, a[r], a[r]);
    p->inputs.push_back({nullptr, 0, b[r].size() * 4, reinterpret_cast<uint8_t*>(b[r].data())});
    p->outputs.push_back({nullptr, 0, b_out[r].size() * 4, reinterpret_cast<uint8_t*>(b_out[r].data())});
    EXPECT_EQ(ex.Run(*p, 0), NRT_SUCCESS);
  });
  for (uint32_t r = 0; r < n; ++r) {
    for (size_t i = 0; i < 7; ++i) ASSERT_EQ(a[r][i], static_cast<int32_t>(300 + 3 * i)) << r << " " << i;
    for (size_t i = 0; i < 9001; ++i) ASSERT_EQ(b_out[r][i], static_cast<int32_t>(21 + 9 * i)) << r << " " << i;
  }
}

// More ranks than cores: ranks that have a CPU take blocks of the slices of ranks waiting for one. Each block
// must be reduced exactly once: twice in place would add the first result to the others' inputs, never would
// leave the output as it was. Two buffers (the first in place) of many 8 KiB blocks, in rounds of every
// rank arriving in a different order.
TEST(LocalExchange, RanksHelpingEachOtherReduceEveryBlockExactlyOnce) {
  const uint32_t n = 8;
  const size_t elems[2] = {2048 * n * 6 + 5, 2048 * 3 + 1};
  LocalExchange ex;
  for (int round = 0; round < 12; ++round) {
    std::vector<std::vector<int32_t>> a(n), b(n), b_out(n, std::vector<int32_t>(elems[1], -7));
    for (uint32_t r = 0; r < n; ++r) {
      a[r].resize(elems[0]);
      b[r].resize(elems[1]);
      for (size_t i = 0; i < elems[0]; ++i) a[r][i] = static_cast<int32_t>(i * 13 + r * 7 + round);
      for (size_t i = 0; i < elems[1]; ++i) b[r][i] = static_cast<int32_t>(i * 5 + r * 1009);
    }
    std::vector<NRT_STATUS> got(n, NRT_FAILURE);
    LxOnRanks(n, [&](uint32_t r) {
      // Late ranks: the others finish their own slices first and take theirs.
      if ((r + static_cast<uint32_t>(round)) % 3 == 0) std::this_thread::yield();
      CcPlan p;
      p.kind = CcKind::kAllReduce;
      p.dtype = DType::kInt32;
      p.reduce = ReduceFunction(p.dtype, p.op);
      for (uint32_t q = 0; q < n; ++q) p.group.push_back(q);
      p.index = r;
      p.inputs = {{nullptr, 0, elems[0] * 4, reinterpret_cast<uint8_t*>(a[r].data())},
                  {nullptr, 0, elems[1] * 4, reinterpret_cast<uint8_t*>(b[r].data())}};
      p.outputs = {p.inputs[0], {nullptr, 0, elems[1] * 4, reinterpret_cast<uint8_t*>(b_out[r].data())}};
      got[r] = ex.Run(p, 0);
    });
    for (uint32_t r = 0; r < n; ++r) {
      ASSERT_EQ(got[r], NRT_SUCCESS) << "round " << round << " rank " << r;
      size_t bad = 0;
      for (size_t i = 0; i < elems[0]; ++i) {
        const int64_t want = static_cast<int64_t>(i * 13 * n) + 7 * (n * (n - 1) / 2) + static_cast<int64_t>(n) * round;
        bad += a[r][i] != static_cast<int32_t>(want);
      }
      for (size_t i = 0; i < elems[1]; ++i) {
        const int64_t want = static_cast<int64_t>(i * 5 * n) + 1009 * (n * (n - 1) / 2);
        bad += b_out[r][i] != static_cast<int32_t>(want);
      }
      EXPECT_EQ(bad, 0u) << "round " << round << " rank " << r;
    }
  }
}

// Float sums: every rank gets the same bits, within float32 rounding of the float64 sum.
TEST(LocalExchange, FloatAllReduceIsTheSameOnEveryRank) {
  const uint32_t n = 3;
  const size_t elems = 8192 * 2 + 5;
  LocalExchange ex;
  std::vector<std::vector<float>> in(n, std::vector<float>(elems)), out(n, std::vector<float>(elems));
  for (uint32_t r = 0; r < n; ++r)
    for (size_t i = 0; i < elems; ++i) in[r][i] = 0.1f * static_cast<float>(r + 1) * static_cast<float>(i % 977) - 3.3f;
  LxOnRanks(n, [&](uint32_t r) {
    CcPlan p;
    p.kind = CcKind::kAllReduce;
    p.dtype = DType::kFloat32;
    p.reduce = ReduceFunction(p.dtype, p.op);
    p.group = {0, 1, 2};
    p.index = r;
    p.inputs = {{nullptr, 0, elems * 4, reinterpret_cast<uint8_t*>(in[r].data())}};
    p.outputs = {{nullptr, 0, elems * 4, reinterpret_cast<uint8_t*>(out[r].data())}};
    EXPECT_EQ(ex.Run(p, 0), NRT_SUCCESS);
  });
  for (size_t i = 0; i < elems; ++i) {
    double want = 0;
    for (uint32_t r = 0; r < n; ++r) want += in[r][i];
    ASSERT_NEAR(out[0][i], want, 1e-5 * std::max(1.0, std::abs(want))) << i;
    ASSERT_EQ(std::memcmp(&out[0][i], &out[1][i], 4), 0) << i;
    ASSERT_EQ(std::memcmp(&out[0][i], &out[2][i], 4), 0) << i;
  }
}

// Reduce-scatter chunks of 1 element, around the kernel's 128-byte block (32 elements) and around and across the 8 KiB
// reduction block (2048 elements).
TEST(LocalExchange, ReduceScatterChunksOfEverySize) {
  const uint32_t n = 3;
  LocalExchange ex;
  for (size_t chunk : {size_t{1}, size_t{31}, size_t{32}, size_t{33}, size_t{2048}, size_t{2049}, size_t{8193}}) {
    std::vector<std::vector<int32_t>> in(n, std::vector<int32_t>(chunk * n)), out(n, std::vector<int32_t>(chunk));
    for (uint32_t r = 0; r < n; ++r)
      for (size_t i = 0; i < chunk * n; ++i) in[r][i] = static_cast<int32_t>((i * 7919 + r * 104729) % 65521) - 30000;
    LxOnRanks(n, [&](uint32_t r) {
      CcPlan p;
      p.kind = CcKind::kReduceScatter;
      p.dtype = DType::kInt32;
      p.op = ReduceOp::kMin;
      p.reduce = ReduceFunction(p.dtype, p.op);
      p.group = {0, 1, 2};
      p.index = r;
      for (uint32_t j = 0; j < n; ++j)
        p.inputs.push_back({nullptr, 0, chunk * 4, reinterpret_cast<uint8_t*>(in[r].data() + j * chunk)});
      p.outputs = {{nullptr, 0, chunk * 4, reinterpret_cast<uint8_t*>(out[r].data())}};
      EXPECT_EQ(ex.Run(p, 0), NRT_SUCCESS);
    });
    for (uint32_t r = 0; r < n; ++r) {
      for (size_t i = 0; i < chunk; ++i) {
        const int32_t want = std::min({in[0][r * chunk + i], in[1][r * chunk + i], in[2][r * chunk + i]});
        ASSERT_EQ(out[r][i], want) << "chunk " << chunk << " rank " << r << " element " << i;
      }
    }
  }
}

TEST(LocalExchange, DisagreeingRanksAllGetInvalid) {
  LocalExchange ex;
  std::vector<NRT_STATUS> got(2, NRT_SUCCESS);
  std::vector<std::thread> threads;
  for (uint32_t r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      std::vector<int32_t> in(8 + r), out(8 + r);
      auto p = HostAllReduce(2, r, in, out);
      try {
        ex.Run(*p, 0);
      } catch (const Error& e) {
        got[r] = e.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got, (std::vector<NRT_STATUS>{NRT_INVALID, NRT_INVALID}));
}

// Same sizes, different dtype (int32 vs uint32) or reduction (max vs min): every rank gets NRT_INVALID, and
// no output is written.
TEST(LocalExchange, DtypeOrOpMismatchIsInvalidOnEveryRank) {
  LocalExchange ex;
  for (bool dtype_differs : {true, false}) {
    std::vector<NRT_STATUS> got(2, NRT_SUCCESS);
    std::vector<std::vector<int32_t>> in(2, std::vector<int32_t>(16, 5)), out(2, std::vector<int32_t>(16, -1));
    LxOnRanks(2, [&](uint32_t r) {
      auto p = HostAllReduce(2, r, in[r], out[r]);
      if (r == 1 && dtype_differs) p->dtype = DType::kUint32;
      if (r == 1 && !dtype_differs) p->op = ReduceOp::kMax;
      p->reduce = ReduceFunction(p->dtype, p->op);
      try {
        ex.Run(*p, 0);
      } catch (const Error& e) {
        got[r] = e.status();
      }
    });
    EXPECT_EQ(got, (std::vector<NRT_STATUS>{NRT_INVALID, NRT_INVALID})) << (dtype_differs ? "dtype" : "op");
    EXPECT_EQ(out[0], std::vector<int32_t>(16, -1));
    EXPECT_EQ(out[1], std::vector<int32_t>(16, -1));
  }
}

TEST(LocalExchange, RankPastItsDeadlineFailsTheRoundForLateComers) {
  LocalExchange ex;
  std::vector<int32_t> in0(4), out0(4), in1(4), out1(4);
  auto p0 = HostAllReduce(2, 0, in0, out0), p1 = HostAllReduce(2, 1, in1, out1);
  bool interrupted = false;
  {
    ComputeInterruptScope limits(MonoNs() + 50'000'000, nullptr);
    try {
      ex.Run(*p0, 0);
    } catch (const ComputeInterrupted& e) {
      interrupted = e.reason() == InterruptReason::kDeadline;
    }
  }
  EXPECT_TRUE(interrupted);
  EXPECT_EQ(ex.Run(*p1, 0), NRT_EXEC_HW_ERR_COLLECTIVES);
  // The next round of the same group starts afresh.
  std::thread t([&] { EXPECT_EQ(ex.Run(*p0, 0), NRT_SUCCESS); });
  EXPECT_EQ(ex.Run(*p1, 0), NRT_SUCCESS);
  t.join();
}

TEST(LocalExchange, StopEndsTheWaitWithoutAPeer) {
  LocalExchange ex;
  std::vector<int32_t> in(4), out(4);
  auto p = HostAllReduce(2, 0, in, out);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.store(true);
  });
  bool stopped = false;
  {
    ComputeInterruptScope limits(0, &stop);
    try {
      ex.Run(*p, 1);
    } catch (const ComputeInterrupted& e) {
      stopped = e.reason() == InterruptReason::kStop;
    }
  }
  stopper.join();
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace nrtb
