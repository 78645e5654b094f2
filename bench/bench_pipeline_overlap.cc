// End-to-end pipeline overlap: write -> execute -> read over N iterations on LNC 0, using tensor-op
// queue 0 for writes, tensor-op queue 1 for reads and the compute unit for executions, with double
// buffering (2 input and 2 output device tensors) and explicit waits on the dependencies:
//   write(k)  after exec(k-2) completed   (input buffer k%2 free)
//   exec(k)   after write(k) and read(k-2) completed (output buffer k%2 free)
//   read(k)   after exec(k) completed
// The timing model is set (unless exported) so that each stage takes ~1 ms of simulated time:
// 256 KiB tensors, NRT_SIM_DMA_LATENCY_US=50 + NRT_SIM_DMA_GBPS=262144/950000 (950 us of transfer),
// and bench_pipe_1ms.neff declares device_time_us=1000.
// Runs: serial (each request waited for on an eventfd before the next), pipelined with polling waits
// (nrta_is_completed), pipelined with eventfd waits (nrta_event_register_xu_completion on the three
// units + poll()). Overlap efficiency = ideal / measured, ideal = max over stages of the stage's
// total time (nominal: N x 1 ms; measured: per-stage sums from the serial run).
//
// Usage: bench_pipeline_overlap [N]   (default 200)
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

constexpr size_t kFloats = 65536;
constexpr size_t kBytes = kFloats * sizeof(float);
constexpr double kStageUs = 1000.0;

struct Pipeline {
  int n;
  nrt_model_t* model;
  nrt_tensor_t* in[2];
  nrt_tensor_t* out[2];
  nrt_tensor_set_t* in_set[2];
  nrt_tensor_set_t* out_set[2];
  std::vector<std::vector<float>> host_in;   // [2]
  std::vector<std::vector<float>> host_out;  // [2]
  std::vector<NRT_STATUS> wret, eret, rret;
  std::vector<nrta_seq_t> wseq, eseq, rseq;
  uint64_t bad_outputs = 0;

  explicit Pipeline(int iterations) : n(iterations) {
    model = bench::LoadModel("bench_pipe_1ms");
    for (int b = 0; b < 2; ++b) {
      in[b] = bench::DeviceTensor(kBytes, 0, "x");
      out[b] = bench::DeviceTensor(kBytes, 0, "y");
      in_set[b] = bench::MakeSet({{"x", in[b]}});
      out_set[b] = bench::MakeSet({{"y", out[b]}});
    }
    host_in.assign(2, std::vector<float>(kFloats));
    host_out.assign(2, std::vector<float>(kFloats));
  }
  ~Pipeline() {
    for (int b = 0; b < 2; ++b) {
      nrt_destroy_tensor_set(&in_set[b]);
      nrt_destroy_tensor_set(&out_set[b]);
      nrt_tensor_free(&in[b]);
      nrt_tensor_free(&out[b]);
    }
    nrt_unload(model);
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void Reset() {
    wret.assign(n, NRT_FAILURE);
    eret.assign(n, NRT_FAILURE);
    rret.assign(n, NRT_FAILURE);
    wseq.assign(n, 0);
    eseq.assign(n, 0);
    rseq.assign(n, 0);
    bad_outputs = 0;
  }

  // Host side of each stage: produce input k, consume output k. Input k is k - 100 (relu makes the
  // first half 0), so a stale or swapped buffer shows up as a wrong output.
  void Produce(int k) { host_in[k % 2][0] = static_cast<float>(k - 100); }
  void Consume(int k) {
    const float expect = k > 100 ? static_cast<float>(k - 100) : 0.f;
    if (host_out[k % 2][0] != expect) ++bad_outputs;
  }

  NRT_STATUS ScheduleWrite(int k) {
    Produce(k);
    return nrta_tensor_write(in[k % 2], host_in[k % 2].data(), 0, kBytes, 0, 0, &wret[k], &wseq[k]);
  }
  NRT_STATUS ScheduleExec(int k) {
    return nrta_execute_schedule(model, in_set[k % 2], out_set[k % 2], 0, &eret[k], &eseq[k]);
  }
  NRT_STATUS ScheduleRead(int k) {
    return nrta_tensor_read(host_out[k % 2].data(), out[k % 2], 0, kBytes, 0, 1, &rret[k], &rseq[k]);
  }

  uint64_t Failures() const {
    uint64_t f = 0;
    for (int k = 0; k < n; ++k) f += (wret[k] != NRT_SUCCESS) + (eret[k] != NRT_SUCCESS) + (rret[k] != NRT_SUCCESS);
    return f;
  }
};

bool Done(nrta_seq_t seq) {
  bool done = false;
  BENCH_CHECK(nrta_is_completed(seq, &done));
  return done;
}

struct Result {
  double wall_ms;
  double cpu_ms;
  double stage_ms[3] = {0, 0, 0};  // serial run only
};

// Each request is waited for (eventfd, blocking) before the next is scheduled.
Result RunSerial(Pipeline& p, int efd) {
  p.Reset();
  Result r{};
  const double cpu0 = bench::CpuSeconds();
  const uint64_t t0 = bench::NowNs();
  for (int k = 0; k < p.n; ++k) {
    uint64_t a = bench::NowNs();
    BENCH_CHECK(p.ScheduleWrite(k));
    bench::WaitEventfd(p.wseq[k], efd);
    uint64_t b = bench::NowNs();
    BENCH_CHECK(p.ScheduleExec(k));
    bench::WaitEventfd(p.eseq[k], efd);
    uint64_t c = bench::NowNs();
    BENCH_CHECK(p.ScheduleRead(k));
    bench::WaitEventfd(p.rseq[k], efd);
    uint64_t d = bench::NowNs();
    p.Consume(k);
    r.stage_ms[0] += static_cast<double>(b - a) * 1e-6;
    r.stage_ms[1] += static_cast<double>(c - b) * 1e-6;
    r.stage_ms[2] += static_cast<double>(d - c) * 1e-6;
  }
  r.wall_ms = static_cast<double>(bench::NowNs() - t0) * 1e-6;
  r.cpu_ms = (bench::CpuSeconds() - cpu0) * 1e3;
  return r;
}

// efd < 0: poll-wait (spin on nrta_is_completed, yielding); otherwise block in poll() on efd,
// which the three units signal on every completion.
Result RunPipelined(Pipeline& p, int efd) {
  p.Reset();
  const int n = p.n;
  int w = 0, e = 0, r = 0, consumed = 0;  // next to schedule / next read to consume
  const double cpu0 = bench::CpuSeconds();
  const uint64_t t0 = bench::NowNs();
  uint32_t idle_passes = 0;
  while (consumed < n) {
    bool progress = false;
    // Consume finished reads in order (frees host output buffer consumed % 2).
    while (consumed < r && Done(p.rseq[consumed])) {
      p.Consume(consumed++);
      progress = true;
    }
    if (r < e && Done(p.eseq[r]) && (r < 2 || consumed >= r - 1)) {
      BENCH_CHECK(p.ScheduleRead(r++));
      progress = true;
    }
    if (e < w && Done(p.wseq[e]) && (e < 2 || (r > e - 2 && Done(p.rseq[e - 2])))) {
      BENCH_CHECK(p.ScheduleExec(e++));
      progress = true;
    }
    if (w < n && (w < 2 || (e > w - 2 && Done(p.eseq[w - 2])))) {
      BENCH_CHECK(p.ScheduleWrite(w++));
      progress = true;
    }
    if (progress) {
      idle_passes = 0;
      continue;
    }
    if (efd >= 0) {
      pollfd pf{efd, POLLIN, 0};
      while (poll(&pf, 1, -1) != 1) {
      }
      uint64_t v = 0;
      if (read(efd, &v, sizeof v) < 0) std::perror("read(eventfd)");
    } else if (++idle_passes > 256) {
      sched_yield();
    }
  }
  Result res{};
  res.wall_ms = static_cast<double>(bench::NowNs() - t0) * 1e-6;
  res.cpu_ms = (bench::CpuSeconds() - cpu0) * 1e3;
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200;
  if (n < 3) {
    std::fprintf(stderr, "usage: %s [iterations >= 3]\n", argv[0]);
    return 2;
  }
  bench::EnvDefault("NRT_SIM_DMA_LATENCY_US", "50");
  bench::EnvDefault("NRT_SIM_DMA_GBPS", std::to_string(static_cast<double>(kBytes) / 950000.0));
  bench::PrintLoad();
  std::printf("# N=%d, %zu-byte tensors, NRT_SIM_DMA_LATENCY_US=%s NRT_SIM_DMA_GBPS=%s, device_time_us=1000\n", n,
              kBytes, std::getenv("NRT_SIM_DMA_LATENCY_US"), std::getenv("NRT_SIM_DMA_GBPS"));
  bench::Init();
  {
    Pipeline p(n);
    // Warm-up (first-use worker start, page faults).
    p.n = 4;
    const int serial_efd = eventfd(0, EFD_CLOEXEC);
    RunSerial(p, serial_efd);
    p.n = n;

    const Result serial = RunSerial(p, serial_efd);
    close(serial_efd);
    const uint64_t serial_fail = p.Failures() + p.bad_outputs;
    const Result polled = RunPipelined(p, -1);
    const uint64_t polled_fail = p.Failures() + p.bad_outputs;

    const int efd = eventfd(0, EFD_CLOEXEC);
    BENCH_CHECK(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, efd));
    BENCH_CHECK(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 1, efd));
    BENCH_CHECK(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, efd));
    const Result evented = RunPipelined(p, efd);
    const uint64_t evented_fail = p.Failures() + p.bad_outputs;
    BENCH_CHECK(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 0, -1));
    BENCH_CHECK(nrta_event_register_xu_completion(0, NRTA_XU_TENSOR_OP, 1, -1));
    BENCH_CHECK(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, -1));
    close(efd);

    const double nominal = n * kStageUs * 1e-3;
    double measured_ideal = 0;
    for (double s : serial.stage_ms) measured_ideal = std::max(measured_ideal, s);
    std::printf("stage totals (serial run, schedule->eventfd wake-up): write %.1f ms, execute %.1f ms, read %.1f ms\n",
                serial.stage_ms[0], serial.stage_ms[1], serial.stage_ms[2]);
    std::printf("ideal: nominal %.1f ms (N x 1 ms), measured max stage total %.1f ms\n", nominal, measured_ideal);
    std::printf("%-22s %10s %10s %14s %16s %8s\n", "run", "wall_ms", "cpu_ms", "eff_nominal", "eff_measured", "errors");
    auto row = [&](const char* name, const Result& res, uint64_t fails) {
      std::printf("%-22s %10.1f %10.1f %13.1f%% %15.1f%% %8llu\n", name, res.wall_ms, res.cpu_ms,
                  100.0 * nominal / res.wall_ms, 100.0 * measured_ideal / res.wall_ms,
                  static_cast<unsigned long long>(fails));
    };
    row("serial", serial, serial_fail);
    row("pipelined (poll)", polled, polled_fail);
    row("pipelined (eventfd)", evented, evented_fail);
    std::printf("speed-up over serial: poll %.2fx, eventfd %.2fx (ideal 3x)\n", serial.wall_ms / polled.wall_ms,
                serial.wall_ms / evented.wall_ms);
    if (serial_fail + polled_fail + evented_fail != 0) {
      std::printf("ERROR: failed requests or wrong outputs\n");
      nrt_close();
      return 1;
    }
  }
  nrt_close();
  return 0;
}
