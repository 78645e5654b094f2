// Completion latency of a single no-op request (nrta_tensor_write of 4 bytes, tensor-op queue 0,
// LNC 0), from just before the schedule call to the moment the caller observes completion:
//   BM_CompletionPoll/gap_us:G      nrta_is_completed loop (spin, then sched_yield)
//   BM_CompletionEventfd/gap_us:G   nrta_event_register_seq_id_completion + poll() + read()
// G = 0: back to back (the unit's worker is still spinning, "hot"); G = 2000: 2 ms pause before
// each request (the worker has gone to sleep, "cold": includes the worker's futex wake-up).
// Manual timing: the benchmark time is the mean latency; p50_ns (median), p90_ns, p99_ns counters.
#include <sys/eventfd.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "gbench_common.h"

namespace {

template <class Wait>
void Run(benchmark::State& state, Wait&& wait) {
  const auto gap = std::chrono::microseconds(state.range(0));
  nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
  char buf[64] = {};
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  std::vector<double> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    if (gap.count() != 0) std::this_thread::sleep_for(gap);
    const uint64_t t0 = bench::NowNs();
    BENCH_CHECK(nrta_tensor_write(t, buf, 0, 4, 0, 0, &ret, &seq));
    wait(seq);
    const uint64_t dt = bench::NowNs() - t0;
    state.SetIterationTime(static_cast<double>(dt) * 1e-9);
    if (samples.size() < samples.capacity()) samples.push_back(static_cast<double>(dt));
  }
  nrt_tensor_free(&t);
  bench::SetPercentiles(state, samples);
}

void BM_CompletionPoll(benchmark::State& state) {
  Run(state, [](nrta_seq_t seq) { bench::WaitPoll(seq); });
}

void BM_CompletionEventfd(benchmark::State& state) {
  const int efd = eventfd(0, EFD_CLOEXEC);
  if (efd < 0) {
    state.SkipWithError("eventfd failed");
    return;
  }
  Run(state, [efd](nrta_seq_t seq) { bench::WaitEventfd(seq, efd); });
  close(efd);
}

BENCHMARK(BM_CompletionPoll)->ArgName("gap_us")->Arg(0)->UseManualTime();
BENCHMARK(BM_CompletionPoll)->ArgName("gap_us")->Arg(2000)->Iterations(500)->UseManualTime();
BENCHMARK(BM_CompletionEventfd)->ArgName("gap_us")->Arg(0)->UseManualTime();
BENCHMARK(BM_CompletionEventfd)->ArgName("gap_us")->Arg(2000)->Iterations(500)->UseManualTime();

}  // namespace

int main(int argc, char** argv) { return bench::GbenchMain(argc, argv, {}); }
