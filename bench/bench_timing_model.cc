// Timing-model accuracy: executions of graphs declaring device_time_us = 200, 1000, 10000
// (bench_sleep_<T>us.neff, 4-float relu) on LNC 0, compared with the requested duration.
//   isolated  one request at a time: schedule -> completion observed by blocking on an eventfd
//             (nrta_event_register_seq_id_completion + poll). Includes the schedule call, the
//             worker's wake-up and the eventfd wake-up of the waiting thread.
//   runtime   the same requests' own start..end durations from the runtime's Chrome trace
//             (NRT_SIM_TRACE, written at nrt_close): the simulated time as the runtime ran it.
//   batch     K requests scheduled back to back, wall time to the last completion / K.
// Errors are (measured - requested) / requested; medians over the requests. CPU: getrusage of the
// whole process during the waits (the main thread blocks in poll()), as a fraction of one core:
// this shows whether the worker burns a core while simulating device time.
//
// Usage: bench_timing_model   (writes the trace to $NRT_SIM_TRACE or /tmp/nrtb_timing_trace.<pid>.json)
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

struct Case {
  int us;
  int isolated;  // requests
  int batch;     // requests
};

struct Measured {
  std::vector<double> isolated_us;
  std::vector<nrta_seq_t> isolated_seqs, batch_seqs;
  double isolated_cpu = 0, isolated_wall = 0;
  double batch_wall_us = 0, batch_cpu = 0;
};

}  // namespace

int main() {
  const std::string default_trace = "/tmp/nrtb_timing_trace." + std::to_string(getpid()) + ".json";
  bench::EnvDefault("NRT_SIM_TRACE", default_trace);
  bench::EnvDefault("NRT_SIM_QUEUE_DEPTH", "1024");  // the batch runs queue up to 300 requests
  const std::string trace_path = std::getenv("NRT_SIM_TRACE");
  bench::PrintLoad();
  bench::Init();

  const std::vector<Case> cases = {{200, 300, 300}, {1000, 150, 150}, {10000, 40, 40}};
  std::vector<Measured> results(cases.size());
  nrt_tensor_t* x = bench::DeviceTensor(16, 0, "x");
  nrt_tensor_t* y = bench::DeviceTensor(16, 0, "y");
  nrt_tensor_set_t* in = bench::MakeSet({{"x", x}});
  nrt_tensor_set_t* out = bench::MakeSet({{"y", y}});
  const int efd = eventfd(0, EFD_CLOEXEC);
  std::vector<NRT_STATUS> rets(1024, NRT_FAILURE);

  for (size_t c = 0; c < cases.size(); ++c) {
    const Case& tc = cases[c];
    Measured& m = results[c];
    nrt_model_t* model = bench::LoadModel("bench_sleep_" + std::to_string(tc.us) + "us");
    nrta_seq_t seq = 0;
    // Warm-up.
    BENCH_CHECK(nrt_execute(model, in, out));

    double cpu0 = bench::CpuSeconds();
    uint64_t w0 = bench::NowNs();
    for (int i = 0; i < tc.isolated; ++i) {
      const uint64_t t0 = bench::NowNs();
      BENCH_CHECK(nrta_execute_schedule(model, in, out, 0, &rets[0], &seq));
      bench::WaitEventfd(seq, efd);
      m.isolated_us.push_back(static_cast<double>(bench::NowNs() - t0) * 1e-3);
      m.isolated_seqs.push_back(seq);
      if (rets[0] != NRT_SUCCESS) bench::Die("isolated execution", rets[0], __FILE__, __LINE__);
    }
    m.isolated_wall = static_cast<double>(bench::NowNs() - w0) * 1e-9;
    m.isolated_cpu = bench::CpuSeconds() - cpu0;

    cpu0 = bench::CpuSeconds();
    w0 = bench::NowNs();
    for (int i = 0; i < tc.batch; ++i) {
      BENCH_CHECK(nrta_execute_schedule(model, in, out, 0, &rets[static_cast<size_t>(i)], &seq));
      m.batch_seqs.push_back(seq);
      if (i == 0) w0 = bench::NowNs();  // the first request starts (about) now
    }
    bench::WaitEventfd(seq, efd);
    const double wall = static_cast<double>(bench::NowNs() - w0);
    m.batch_cpu = bench::CpuSeconds() - cpu0;
    m.batch_wall_us = wall * 1e-3;
    for (int i = 0; i < tc.batch; ++i) {
      if (rets[static_cast<size_t>(i)] != NRT_SUCCESS)
        bench::Die("batch execution", rets[static_cast<size_t>(i)], __FILE__, __LINE__);
    }
    nrt_unload(model);
  }
  close(efd);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  nrt_close();  // writes the trace

  // Runtime-side durations (µs) by sequence id.
  std::map<uint64_t, double> dur_by_seq;
  {
    std::ifstream f(trace_path);
    if (f) {
      const auto doc = nlohmann::json::parse(f, nullptr, false);
      if (!doc.is_discarded() && doc.contains("traceEvents")) {
        for (const auto& ev : doc["traceEvents"]) {
          if (ev.value("ph", "") != "X" || !ev.contains("args")) continue;
          dur_by_seq[ev["args"].value("seq", uint64_t{0})] = ev.value("dur", 0.0);
        }
      }
    }
    if (dur_by_seq.empty()) std::printf("# (no trace at %s: runtime-side column unavailable)\n", trace_path.c_str());
  }
  if (trace_path == default_trace) std::remove(trace_path.c_str());

  std::printf("%-10s %6s | %-31s | %-22s | %-29s\n", "requested", "n", "isolated: median us (err) cpu",
              "runtime: median (err)", "batch: per-req us (err) cpu");
  for (size_t c = 0; c < cases.size(); ++c) {
    const Case& tc = cases[c];
    const Measured& m = results[c];
    const double req = tc.us;
    auto err = [req](double v) { return 100.0 * (v - req) / req; };
    std::vector<double> runtime_us;
    for (nrta_seq_t s : m.isolated_seqs) {
      if (auto it = dur_by_seq.find(s); it != dur_by_seq.end()) runtime_us.push_back(it->second);
    }
    std::vector<double> batch_rt;
    for (nrta_seq_t s : m.batch_seqs) {
      if (auto it = dur_by_seq.find(s); it != dur_by_seq.end()) batch_rt.push_back(it->second);
    }
    const double iso = bench::Median(m.isolated_us);
    const double rt = bench::Median(runtime_us);
    const double per_req = m.batch_wall_us / tc.batch;
    std::printf("%7d us %6d | %9.1f (%+6.2f%%) %6.1f%% core | %9.1f (%+6.2f%%) | %9.1f (%+6.2f%%) %6.1f%% core\n",
                tc.us, tc.isolated, iso, err(iso), 100.0 * m.isolated_cpu / m.isolated_wall, rt, err(rt), per_req,
                err(per_req), 100.0 * m.batch_cpu / (m.batch_wall_us * 1e-6));
    std::printf("%17s | p90 %9.1f                   | p90 %9.1f         | runtime median %9.1f (%+6.2f%%)\n", "",
                bench::Percentile(m.isolated_us, 0.9), bench::Percentile(runtime_us, 0.9), bench::Median(batch_rt),
                err(bench::Median(batch_rt)));
  }
  return 0;
}
