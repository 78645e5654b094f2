// Per-call cost of the calls the implicit-async shim interposes, measured on the same binary in three
// configurations (bench/shim_bench.sh runs all three and prints the differences):
//   plain                          libnrt only: the call's own cost
//   LD_PRELOAD=shim, variable unset  + forwarding cost (goal <= 50 ns)
//   LD_PRELOAD=shim, variable = 3    + fence check with nothing pending (goal <= 100 ns on nrt_tensor_read)
// The tensors are device tensors of 4 bytes, so the copy itself is small next to the call overhead.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench_common.h"
#include "gbench_common.h"

namespace {

nrt_tensor_t* Tensor() {
  static nrt_tensor_t* t = bench::DeviceTensor(4, 0, "t");
  return t;
}

void BM_TensorRead4B(benchmark::State& state) {
  nrt_tensor_t* t = Tensor();
  float v = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrt_tensor_read(t, &v, 0, sizeof v));
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_TensorRead4B);

void BM_TensorWrite4B(benchmark::State& state) {
  nrt_tensor_t* t = Tensor();
  float v = 1;
  for (auto _ : state) {
    BENCH_CHECK(nrt_tensor_write(t, &v, 0, sizeof v));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_TensorWrite4B);

// Whether this process runs with the shim preloaded (its path appears in our own mappings).
bool ShimLoaded() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find("libnrt-implicit-async") != std::string::npos) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const char* n = std::getenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  std::printf("# shim %s, NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=%s\n", ShimLoaded() ? "preloaded" : "not loaded",
              n != nullptr ? n : "(unset)");
  return bench::GbenchMain(argc, argv, {});
}
