// Does compute time depend on the data? A float32 matmul [64,128]x[128,64] (bench_matmul_64x128x64)
// through nrt_execute with normal inputs (uniform in [-1, 1]) and with tiny inputs (uniform in
// [-1e-20, 1e-20]: every product, ~1e-40, is a float32 subnormal, as with random bytes read as
// float32). With subnormals flushed (the default) both take the same time; with
// NRT_SIM_DENORMALS=keep the tiny case pays x86's microcode assist on every product.
//
// Usage: bench_denormals [benchmark options]; NRT_SIM_DENORMALS=keep bench_denormals for IEEE mode.
#include <random>
#include <vector>

#include "gbench_common.h"

namespace {

void MatMul(benchmark::State& state, float scale) {
  constexpr size_t kA = 64 * 128, kB = 128 * 64, kC = 64 * 64;
  nrt_model_t* model = bench::LoadModel("bench_matmul_64x128x64");
  nrt_tensor_t* a = bench::DeviceTensor(kA * sizeof(float), 0, "a");
  nrt_tensor_t* b = bench::DeviceTensor(kB * sizeof(float), 0, "b");
  nrt_tensor_t* c = bench::DeviceTensor(kC * sizeof(float), 0, "c");
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> ha(kA), hb(kB);
  for (float& v : ha) v = dist(rng) * scale;
  for (float& v : hb) v = dist(rng) * scale;
  BENCH_CHECK(nrt_tensor_write(a, ha.data(), 0, ha.size() * sizeof(float)));
  BENCH_CHECK(nrt_tensor_write(b, hb.data(), 0, hb.size() * sizeof(float)));
  nrt_tensor_set_t* in = bench::MakeSet({{"a", a}, {"b", b}});
  nrt_tensor_set_t* out = bench::MakeSet({{"c", c}});
  for (auto _ : state) BENCH_CHECK(nrt_execute(model, in, out));
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
  nrt_tensor_free(&c);
  nrt_unload(model);
}

void BM_MatMulNormalInputs(benchmark::State& state) { MatMul(state, 1.0f); }
void BM_MatMulSubnormalProducts(benchmark::State& state) { MatMul(state, 1e-20f); }

BENCHMARK(BM_MatMulNormalInputs)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MatMulSubnormalProducts)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) { return bench::GbenchMain(argc, argv, {}); }
