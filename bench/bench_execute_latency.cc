// nrt_execute round trip of a one-op model (bench_add_one: y = x + 1, 4 floats), per-call
// percentiles (p50 = median) as counters.
//   BM_NrtExecute/idle        compute unit idle: nrt_execute runs inline on the caller's thread.
//   BM_NrtExecute/busy        the compute unit has one just-scheduled add_one in flight
//                             (nrta_execute_schedule right before): nrt_execute takes the hand-off
//                             path (submit, the worker runs both, the caller waits). Timed: the
//                             nrt_execute call only.
//   BM_NrtaExecutePoll        nrta_execute_schedule + nrta_is_completed polling (async round trip).
#include <vector>

#include "gbench_common.h"

namespace {

struct AddOne {
  AddOne() {
    model = bench::LoadModel("bench_add_one");
    x = bench::DeviceTensor(16, 0, "x");
    y = bench::DeviceTensor(16, 0, "y");
    in = bench::MakeSet({{"x", x}});
    out = bench::MakeSet({{"y", y}});
  }
  ~AddOne() {
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    nrt_tensor_free(&x);
    nrt_tensor_free(&y);
    nrt_unload(model);
  }
  AddOne(const AddOne&) = delete;
  AddOne& operator=(const AddOne&) = delete;
  nrt_model_t* model;
  nrt_tensor_t *x, *y;
  nrt_tensor_set_t *in, *out;
};

void BM_NrtExecute(benchmark::State& state) {
  AddOne m;
  const bool busy = state.range(0) != 0;
  std::vector<double> samples;
  samples.reserve(1 << 20);
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  for (auto _ : state) {
    if (busy) BENCH_CHECK(nrta_execute_schedule(m.model, m.in, m.out, 0, &ret, &seq));
    const uint64_t t0 = bench::NowNs();
    BENCH_CHECK(nrt_execute(m.model, m.in, m.out));
    const uint64_t t1 = bench::NowNs();
    if (samples.size() < samples.capacity()) samples.push_back(static_cast<double>(t1 - t0));
  }
  if (busy) bench::WaitPoll(seq);
  bench::SetPercentiles(state, samples);
  state.SetLabel(busy ? "busy: behind 1 scheduled add_one" : "idle: inline");
}

void BM_NrtaExecutePoll(benchmark::State& state) {
  AddOne m;
  std::vector<double> samples;
  samples.reserve(1 << 20);
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  for (auto _ : state) {
    const uint64_t t0 = bench::NowNs();
    BENCH_CHECK(nrta_execute_schedule(m.model, m.in, m.out, 0, &ret, &seq));
    bench::WaitPoll(seq);
    const uint64_t t1 = bench::NowNs();
    if (samples.size() < samples.capacity()) samples.push_back(static_cast<double>(t1 - t0));
  }
  bench::SetPercentiles(state, samples);
}

BENCHMARK(BM_NrtExecute)->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_NrtaExecutePoll)->UseRealTime();

}  // namespace

int main(int argc, char** argv) { return bench::GbenchMain(argc, argv, {}); }
