// Sustained no-op completions per second: one submitter thread per LNC, each streaming
// nrta_tensor_write of 0 bytes to tensor-op queue 0 of its own LNC (thread i -> LNC i), with
// back-pressure handling: on NRT_QUEUE_FULL the submitter yields and retries. items_per_second is
// the total over all threads (wall time). The queue depth is the runtime default (64) unless
// NRT_SIM_QUEUE_DEPTH is exported. After the timed loop each thread waits for its last request
// (at most `depth` requests, outside the timed region).
//   BM_Throughput/threads:N     N = 1, 2, 4 LNCs (the device has 4 LNCs by default).
//   BM_ThroughputTwoQueues      one LNC, one submitter feeding both tensor-op queues alternately.
#include <memory>

#include "gbench_common.h"

namespace {

constexpr size_t kRets = 4096;
struct alignas(64) Rets {
  NRT_STATUS r[kRets];
};

void BM_Throughput(benchmark::State& state) {
  const int lnc = state.thread_index();
  nrt_tensor_t* t = bench::DeviceTensor(64, lnc, "t");
  char buf[64] = {};
  auto rets = std::make_unique<Rets>();
  nrta_seq_t seq = 0;
  uint64_t i = 0, full = 0;
  for (auto _ : state) {
    NRT_STATUS* ret = &rets->r[i++ & (kRets - 1)];
    full += bench::ScheduleRetry([&] { return nrta_tensor_write(t, buf, 0, 0, lnc, 0, ret, &seq); });
  }
  bench::WaitPoll(seq);
  nrt_tensor_free(&t);
  state.SetItemsProcessed(state.iterations());
  state.counters["queue_full_per_req"] = benchmark::Counter(
      static_cast<double>(full) / static_cast<double>(state.iterations()), benchmark::Counter::kAvgThreads);
}

void BM_ThroughputTwoQueues(benchmark::State& state) {
  nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
  char buf[64] = {};
  auto rets = std::make_unique<Rets>();
  nrta_seq_t seq[2] = {0, 0};
  uint64_t i = 0, full = 0;
  for (auto _ : state) {
    const int q = static_cast<int>(i & 1);
    NRT_STATUS* ret = &rets->r[i++ & (kRets - 1)];
    full += bench::ScheduleRetry([&] { return nrta_tensor_write(t, buf, 0, 0, 0, q, ret, &seq[q]); });
  }
  bench::WaitPoll(seq[0]);
  bench::WaitPoll(seq[1]);
  nrt_tensor_free(&t);
  state.SetItemsProcessed(state.iterations());
  state.counters["queue_full_per_req"] = static_cast<double>(full) / static_cast<double>(state.iterations());
}

BENCHMARK(BM_Throughput)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(BM_ThroughputTwoQueues)->UseRealTime();

}  // namespace

int main(int argc, char** argv) { return bench::GbenchMain(argc, argv, {}); }
