// float32 square matmul GFLOP/s through the runtime (nrt_execute of bench_matmul_<N>.neff, no
// simulated device time) vs Eigen's own single-threaded product of the same row-major matrices.
#include <Eigen/Core>
#include <random>
#include <string>
#include <vector>

#include "gbench_common.h"

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void SetFlops(benchmark::State& state, int64_t n) {
  state.counters["FLOPS"] = benchmark::Counter(
      2.0 * static_cast<double>(n * n * n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_EigenMatMul(benchmark::State& state) {
  const int64_t n = state.range(0);
  RowMajor a = RowMajor::Random(n, n), b = RowMajor::Random(n, n), c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  SetFlops(state, n);
}

void BM_NrtMatMul(benchmark::State& state) {
  const int64_t n = state.range(0);
  const size_t bytes = static_cast<size_t>(n * n) * sizeof(float);
  nrt_model_t* model = bench::LoadModel("bench_matmul_" + std::to_string(n));
  nrt_tensor_t* a = bench::DeviceTensor(bytes, 0, "a");
  nrt_tensor_t* b = bench::DeviceTensor(bytes, 0, "b");
  nrt_tensor_t* c = bench::DeviceTensor(bytes, 0, "c");
  std::vector<float> host(static_cast<size_t>(n * n));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (float& v : host) v = dist(rng);
  BENCH_CHECK(nrt_tensor_write(a, host.data(), 0, bytes));
  BENCH_CHECK(nrt_tensor_write(b, host.data(), 0, bytes));
  nrt_tensor_set_t* in = bench::MakeSet({{"a", a}, {"b", b}});
  nrt_tensor_set_t* out = bench::MakeSet({{"c", c}});
  for (auto _ : state) BENCH_CHECK(nrt_execute(model, in, out));
  SetFlops(state, n);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
  nrt_tensor_free(&c);
  nrt_unload(model);
}

BENCHMARK(BM_EigenMatMul)->Arg(256)->Arg(512)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NrtMatMul)->Arg(256)->Arg(512)->Arg(1024)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  Eigen::setNbThreads(1);
  return bench::GbenchMain(argc, argv, {{"runtime/Eigen", "BM_NrtMatMul", "BM_EigenMatMul", "FLOPS", 1e9, "GFLOP/s"}});
}
