// nrt_tensor_write / nrt_tensor_read bandwidth vs plain memcpy of the same sizes (4 KiB .. 64 MiB).
// Both sides copy between two calloc'ed, pre-touched buffers (the runtime's device memory is
// calloc'ed host memory), so the ratio is the runtime's per-call overhead. The async variants
// (nrta_tensor_write/read on tensor-op queue 0, waited for by polling) are reported for reference.
#include <cstring>
#include <memory>

#include "gbench_common.h"

namespace {

struct Buffer {
  explicit Buffer(size_t n) : p(static_cast<char*>(std::calloc(n, 1))) { std::memset(p, 1, n); }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  char* p;
};

struct DeviceTensor {
  explicit DeviceTensor(size_t n) : t(bench::DeviceTensor(n, 0, "bw")) { BENCH_CHECK(nrt_tensor_memset(t, 0, 1, n)); }
  ~DeviceTensor() { nrt_tensor_free(&t); }
  DeviceTensor(const DeviceTensor&) = delete;
  DeviceTensor& operator=(const DeviceTensor&) = delete;
  nrt_tensor_t* t;
};

void Finish(benchmark::State& state, size_t n) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
}

void BM_MemcpyWrite(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer host(n), dev(n);
  for (auto _ : state) {
    std::memcpy(dev.p, host.p, n);
    benchmark::ClobberMemory();
  }
  Finish(state, n);
}

void BM_NrtTensorWrite(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer host(n);
  DeviceTensor dev(n);
  for (auto _ : state) BENCH_CHECK(nrt_tensor_write(dev.t, host.p, 0, n));
  Finish(state, n);
}

void BM_MemcpyRead(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer host(n), dev(n);
  for (auto _ : state) {
    std::memcpy(host.p, dev.p, n);
    benchmark::ClobberMemory();
  }
  Finish(state, n);
}

void BM_NrtTensorRead(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer host(n);
  DeviceTensor dev(n);
  for (auto _ : state) BENCH_CHECK(nrt_tensor_read(dev.t, host.p, 0, n));
  Finish(state, n);
}

// Async: schedule on tensor-op queue 0 of LNC 0 and wait for completion by polling.
void BM_NrtaTensorWrite(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer host(n);
  DeviceTensor dev(n);
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrta_tensor_write(dev.t, host.p, 0, n, 0, 0, &ret, &seq));
    bench::WaitPoll(seq);
  }
  Finish(state, n);
}

void BM_NrtaTensorRead(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Buffer host(n);
  DeviceTensor dev(n);
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrta_tensor_read(host.p, dev.t, 0, n, 0, 0, &ret, &seq));
    bench::WaitPoll(seq);
  }
  Finish(state, n);
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int64_t n = 4 << 10; n <= 64 << 20; n *= 4) b->Arg(n);
}

BENCHMARK(BM_MemcpyWrite)->Apply(Sizes);
BENCHMARK(BM_NrtTensorWrite)->Apply(Sizes);
BENCHMARK(BM_NrtaTensorWrite)->Apply(Sizes)->UseRealTime();
BENCHMARK(BM_MemcpyRead)->Apply(Sizes);
BENCHMARK(BM_NrtTensorRead)->Apply(Sizes);
BENCHMARK(BM_NrtaTensorRead)->Apply(Sizes)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return bench::GbenchMain(
      argc, argv,
      {{"nrt_tensor_write/memcpy", "BM_NrtTensorWrite", "BM_MemcpyWrite", "bytes_per_second", 1 << 30, "GiB/s"},
       {"nrt_tensor_read/memcpy", "BM_NrtTensorRead", "BM_MemcpyRead", "bytes_per_second", 1 << 30, "GiB/s"},
       {"nrta_tensor_write/memcpy", "BM_NrtaTensorWrite", "BM_MemcpyWrite", "bytes_per_second", 1 << 30, "GiB/s"},
       {"nrta_tensor_read/memcpy", "BM_NrtaTensorRead", "BM_MemcpyRead", "bytes_per_second", 1 << 30, "GiB/s"}});
}
