// CPU graph execution under an execution unit's limits: it stops at a deadline or a stop flag
// (between nodes and inside long kernels) and computes subnormals as the thread's mode says.
#include <gtest/gtest.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/core/compute_interrupt.h"
#include "runtime/core/denormal_mode.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/cpu_ops.h"

namespace nrtb {
namespace {

uint64_t MonotonicNs() {
  const auto since_boot = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_boot).count());
}

// CPU time of the calling thread: unlike the wall clock, a loaded machine does not stretch it.
uint64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

std::unique_ptr<CpuGraph> Parse(const std::string& json) { return CpuGraph::Parse(json, {}); }

// c = a @ a for a [n, n] float32 input.
std::string SquareMatMulGraph(int n) {
  const std::string shape = "[" + std::to_string(n) + "," + std::to_string(n) + "]";
  return R"({"name":"mm","inputs":[{"name":"a","dtype":"float32","shape":)" + shape +
         R"(}],"nodes":[{"op":"matmul","inputs":["a","a"],"output":"c"}],"outputs":["c"]})";
}

TEST(CpuComputeLimits, AGraphRunsToTheEndWithoutLimits) {
  auto g = Parse(SquareMatMulGraph(64));
  std::vector<float> a(64 * 64, 1.0f), c(64 * 64, 0.0f);
  const void* in[] = {a.data()};
  void* out[] = {c.data()};
  g->Run(in, out);
  EXPECT_EQ(c[0], 64.0f);
}

TEST(CpuComputeLimits, APastDeadlineStopsTheGraph) {
  auto g = Parse(SquareMatMulGraph(64));
  std::vector<float> a(64 * 64, 1.0f), c(64 * 64, 0.0f);
  const void* in[] = {a.data()};
  void* out[] = {c.data()};
  ComputeInterruptScope limits(1, nullptr);  // 1 ns after boot: long past
  try {
    g->Run(in, out);
    FAIL() << "not interrupted";
  } catch (const ComputeInterrupted& e) {
    EXPECT_EQ(e.reason(), InterruptReason::kDeadline);
  }
}

TEST(CpuComputeLimits, ALongMatMulIsStoppedInsideTheKernel) {
  // One node of ~8.6 GFLOP (seconds of CPU): the deadline must cut the kernel itself short.
  constexpr int kN = 2048;
  auto g = Parse(SquareMatMulGraph(kN));
  std::vector<float> a(size_t{kN} * kN, 0.5f), c(size_t{kN} * kN, 0.0f);
  const void* in[] = {a.data()};
  void* out[] = {c.data()};
  const uint64_t start = MonotonicNs();
  const uint64_t cpu_start = ThreadCpuNs();
  {
    ComputeInterruptScope limits(start + 20'000'000, nullptr);
    EXPECT_THROW(g->Run(in, out), ComputeInterrupted);
  }
  // By CPU time, not wall time: on a loaded machine (a sanitizer build beside other tests) the 20 ms deadline
  // passes while the thread waits for a core, and the wall time says nothing about where the kernel stopped.
  EXPECT_LT(ThreadCpuNs() - cpu_start, 2'000'000'000ull) << "stopped well before the product would finish";
}

TEST(CpuComputeLimits, AStopFlagStopsLongElementwiseKernels) {
  std::atomic<bool> stop{true};
  std::vector<float> x(1 << 20, 1.0f), y(1 << 20);
  ComputeInterruptScope limits(0, &stop);
  try {
    RunUnary(UnaryOp::kTanh, DType::kFloat32, UnaryParams{}, x.size(), x.data(), y.data());
    FAIL() << "not interrupted";
  } catch (const ComputeInterrupted& e) {
    EXPECT_EQ(e.reason(), InterruptReason::kStop);
  }
}

TEST(CpuComputeLimits, ScopesNestAndRestore) {
  std::atomic<bool> stop{true};
  {
    ComputeInterruptScope outer(0, &stop);
    {
      ComputeInterruptScope inner(0, nullptr);
      EXPECT_NO_THROW(CheckComputeInterrupt());
    }
    EXPECT_THROW(CheckComputeInterrupt(), ComputeInterrupted);
  }
  EXPECT_NO_THROW(CheckComputeInterrupt());
}

// y = x * x for x = 1e-20: 1e-40 is a float32 subnormal.
float SquareOfTiny(DenormalMode mode) {
  auto g = Parse(R"({"name":"sq","inputs":[{"name":"x","dtype":"float32","shape":[1]}],)"
                 R"("nodes":[{"op":"mul","inputs":["x","x"],"output":"y"}],"outputs":["y"]})");
  float x = 1e-20f, y = -1.0f;
  const void* in[] = {&x};
  void* out[] = {&y};
  DenormalModeScope scope(mode);
  g->Run(in, out);
  return y;
}

TEST(CpuComputeLimits, SubnormalResultsFollowTheThreadsMode) {
  EXPECT_GT(SquareOfTiny(DenormalMode::kKeep), 0.0f);
#if defined(__x86_64__) || defined(__aarch64__)
  EXPECT_EQ(SquareOfTiny(DenormalMode::kFlush), 0.0f);
#endif
}

}  // namespace
}  // namespace nrtb
