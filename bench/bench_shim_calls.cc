// Per-call cost of calls the implicit-async shim interposes. Each call is measured twice in one process:
// through the exported name (the shim's when it is preloaded) and "Direct", libnrt's own definition
// (dlsym on libnrt's handle, which the preload does not shadow). The difference is what the shim adds:
//   LD_PRELOAD=shim, variable unset   forwarding cost (goal <= 50 ns)
//   LD_PRELOAD=shim, variable = 3     fence check with nothing pending (goal <= 100 ns on nrt_tensor_read)
// and about zero without the shim (a control). bench/shim_bench.sh runs the three configurations. The
// tensor is a 4-byte device tensor, so the copy is small next to the call overhead.
#include <dlfcn.h>

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

using ReadFn = NRT_STATUS (*)(const nrt_tensor_t*, void*, size_t, size_t);
using WriteFn = NRT_STATUS (*)(nrt_tensor_t*, const void*, size_t, size_t);

// libnrt's own definition of `name`, whatever LD_PRELOAD puts in front of it.
template <class Fn>
Fn Direct(const char* name) {
  void* lib = dlopen("libnrt.so.1", RTLD_NOW | RTLD_NOLOAD);
  void* fn = lib != nullptr ? dlsym(lib, name) : nullptr;
  if (fn == nullptr) {
    std::fprintf(stderr, "bench_shim_calls: cannot find libnrt's own %s\n", name);
    std::exit(2);
  }
  return reinterpret_cast<Fn>(fn);
}

template <class Fn>
void Read(benchmark::State& state, Fn read) {
  nrt_tensor_t* t = Tensor();
  float v = 0;
  for (auto _ : state) {
    BENCH_CHECK(read(t, &v, 0, sizeof v));
    benchmark::DoNotOptimize(v);
  }
}

template <class Fn>
void Write(benchmark::State& state, Fn write) {
  nrt_tensor_t* t = Tensor();
  float v = 1;
  for (auto _ : state) {
    BENCH_CHECK(write(t, &v, 0, sizeof v));
    benchmark::ClobberMemory();
  }
}

void BM_TensorRead4B(benchmark::State& state) { Read(state, &nrt_tensor_read); }
void BM_TensorRead4B_Direct(benchmark::State& state) { Read(state, Direct<ReadFn>("nrt_tensor_read")); }
void BM_TensorWrite4B(benchmark::State& state) { Write(state, &nrt_tensor_write); }
void BM_TensorWrite4B_Direct(benchmark::State& state) { Write(state, Direct<WriteFn>("nrt_tensor_write")); }
BENCHMARK(BM_TensorRead4B);
BENCHMARK(BM_TensorRead4B_Direct);
BENCHMARK(BM_TensorWrite4B);
BENCHMARK(BM_TensorWrite4B_Direct);

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
