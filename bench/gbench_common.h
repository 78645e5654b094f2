// Google Benchmark glue for the nrt-bridge benchmarks: a main() that sets environment defaults
// before nrt_init, and a console reporter that prints ratios between benchmark families
// (e.g. nrt_tensor_write vs memcpy) from the median aggregate when --benchmark_repetitions is used.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench_common.h"

namespace bench {

// "<label>: <numerator family>/<arg> over <denominator family>/<arg>" on `counter`.
struct Ratio {
  std::string label;
  std::string numerator;    // family name, e.g. "BM_NrtTensorWrite"
  std::string denominator;  // family name, e.g. "BM_MemcpyWrite"
  std::string counter;      // e.g. "bytes_per_second", "FLOPS"
  double scale = 1.0;       // printed values are counter / scale
  std::string unit;         // e.g. "GiB/s"
};

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(std::vector<Ratio> ratios) : ratios_(std::move(ratios)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      // Keyed without the "/real_time" suffix so families timed differently still pair up.
      std::string name = r.run_name.str();
      if (auto pos = name.find("/real_time"); pos != std::string::npos) name.erase(pos, 10);
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") medians_[name] = r;
      } else if (!r.error_occurred) {
        singles_[name] = r;
      }
      if (std::find(order_.begin(), order_.end(), name) == order_.end()) order_.push_back(name);
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    if (ratios_.empty()) return;
    std::printf("\n# ratios (%s)\n", medians_.empty() ? "single run" : "median of repetitions");
    const auto& runs = Pick();
    for (const Ratio& ratio : ratios_) {
      for (const std::string& name : order_) {
        auto num = runs.find(name);
        if (num == runs.end() || name.rfind(ratio.numerator + "/", 0) != 0) continue;
        const std::string arg = name.substr(ratio.numerator.size());
        auto den = runs.find(ratio.denominator + arg);
        if (den == runs.end()) continue;
        const double a = Value(num->second, ratio.counter), b = Value(den->second, ratio.counter);
        if (b <= 0) continue;
        std::printf("%-26s %-10s %9.2f / %9.2f %-6s = %6.1f%%\n", ratio.label.c_str(), arg.c_str() + 1, a / ratio.scale,
                    b / ratio.scale, ratio.unit.c_str(), 100.0 * a / b);
      }
    }
    std::fflush(stdout);
  }

 private:
  const std::map<std::string, Run>& Pick() const { return medians_.empty() ? singles_ : medians_; }
  static double Value(const Run& r, const std::string& counter) {
    auto it = r.counters.find(counter);
    return it == r.counters.end() ? 0.0 : it->second.value;
  }

  std::vector<Ratio> ratios_;
  std::map<std::string, Run> medians_, singles_;
  std::vector<std::string> order_;
};

// setup(): setenv defaults (before nrt_init). The runtime is initialised before the benchmarks and
// closed after them.
inline int GbenchMain(int argc, char** argv, const std::vector<Ratio>& ratios,
                      const std::function<void()>& setup = {}) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (setup) setup();
  PrintLoad();
  Init();
  RatioReporter reporter(ratios);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  nrt_close();
  benchmark::Shutdown();
  return 0;
}

// Attaches per-call percentiles (ns) gathered by the benchmark body as counters.
inline void SetPercentiles(benchmark::State& state, const std::vector<double>& samples_ns) {
  state.counters["p50_ns"] = Median(samples_ns);
  state.counters["p90_ns"] = Percentile(samples_ns, 0.9);
  state.counters["p99_ns"] = Percentile(samples_ns, 0.99);
}

}  // namespace bench
