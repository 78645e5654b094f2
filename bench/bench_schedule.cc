// Cost of one schedule call for a no-op request: nrta_tensor_write of 0 or 4 bytes on tensor-op
// queue 0 of LNC 0 (the unit's worker completes them concurrently on the other core).
// NRT_SIM_QUEUE_DEPTH defaults to 1<<20 here so the timed loop never meets NRT_QUEUE_FULL; every
// kDrain submissions the loop waits (outside the timed region) for the unit to drain.
// Run with --benchmark_repetitions=N to get the median of N runs.
#include <memory>
#include <string>
#include <vector>

#include "gbench_common.h"

namespace {

constexpr uint64_t kDrain = 1 << 16;  // well below the queue depth
// One *ret slot per request until the drain: a slot reused while its request is pending would lose
// that status (validation mode reports it), so there are as many slots as requests between drains.
constexpr size_t kRets = kDrain;

struct alignas(64) Rets {
  NRT_STATUS r[kRets];
};

void BM_ScheduleWrite(benchmark::State& state) {
  const uint64_t size = static_cast<uint64_t>(state.range(0));
  nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
  char buf[64] = {};
  auto rets = std::make_unique<Rets>();
  nrta_seq_t seq = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrta_tensor_write(t, buf, 0, size, 0, 0, &rets->r[i & (kRets - 1)], &seq));
    if (++i % kDrain == 0) {
      state.PauseTiming();
      bench::WaitPoll(seq);
      state.ResumeTiming();
    }
  }
  bench::WaitPoll(seq);
  nrt_tensor_free(&t);
  state.SetItemsProcessed(state.iterations());
}

// For comparison: scheduling an execution (binds the input/output sets at schedule time).
void BM_ScheduleExecute(benchmark::State& state) {
  nrt_model_t* model = bench::LoadModel("bench_add_one");
  nrt_tensor_t* x = bench::DeviceTensor(16, 0, "x");
  nrt_tensor_t* y = bench::DeviceTensor(16, 0, "y");
  nrt_tensor_set_t* in = bench::MakeSet({{"x", x}});
  nrt_tensor_set_t* out = bench::MakeSet({{"y", y}});
  auto rets = std::make_unique<Rets>();
  nrta_seq_t seq = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrta_execute_schedule(model, in, out, 0, &rets->r[i & (kRets - 1)], &seq));
    if (++i % kDrain == 0) {
      state.PauseTiming();
      bench::WaitPoll(seq);
      state.ResumeTiming();
    }
  }
  bench::WaitPoll(seq);
  state.SetItemsProcessed(state.iterations());
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  nrt_unload(model);
}

BENCHMARK(BM_ScheduleWrite)->Arg(0)->Arg(4)->UseRealTime();
BENCHMARK(BM_ScheduleExecute)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return bench::GbenchMain(argc, argv, {}, [] { bench::EnvDefault("NRT_SIM_QUEUE_DEPTH", std::to_string(1 << 20)); });
}
