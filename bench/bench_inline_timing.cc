// Accuracy of simulated device time on the caller's thread: synchronous nrt_execute of graphs
// declaring device_time_us = 200 and 1000 (bench_sleep_<T>us.neff) on an idle unit, so each request
// runs inline on the calling thread. Reports the median / p90 / p99 wall time of one call against
// the requested duration, and the calling thread's timer slack before and after (it must not change:
// the runtime may only sleep precisely for the simulated interval, not alter the application thread).
//
// Usage: bench_inline_timing [requests per case, default 300]
#include <sys/prctl.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.h"

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 300;
  bench::PrintLoad();
  bench::Init();
  const long slack_before = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  nrt_tensor_t* x = bench::DeviceTensor(16, 0, "x");
  nrt_tensor_t* y = bench::DeviceTensor(16, 0, "y");
  nrt_tensor_set_t* in = bench::MakeSet({{"x", x}});
  nrt_tensor_set_t* out = bench::MakeSet({{"y", y}});
  std::printf("%-10s %10s %10s %10s %10s %9s\n", "requested", "p50_us", "p90_us", "p99_us", "p50_err", "requests");
  for (int us : {200, 1000}) {
    nrt_model_t* model = bench::LoadModel("bench_sleep_" + std::to_string(us) + "us");
    BENCH_CHECK(nrt_execute(model, in, out));  // warm-up
    std::vector<double> took;
    for (int i = 0; i < requests; ++i) {
      const uint64_t t0 = bench::NowNs();
      BENCH_CHECK(nrt_execute(model, in, out));
      took.push_back(static_cast<double>(bench::NowNs() - t0) / 1e3);
    }
    const double p50 = bench::Median(took);
    std::printf("%-10d %10.1f %10.1f %10.1f %+9.1f%% %9d\n", us, p50, bench::Percentile(took, 0.9),
                bench::Percentile(took, 0.99), 100.0 * (p50 - us) / us, requests);
    BENCH_CHECK(nrt_unload(model));
  }
  const long slack_after = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  std::printf("caller timer slack: %ld ns before, %ld ns after\n", slack_before, slack_after);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  nrt_close();
  return slack_before == slack_after ? 0 : 1;
}
