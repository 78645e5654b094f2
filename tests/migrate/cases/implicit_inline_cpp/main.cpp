// An implicit-mode C++ program (--mode implicit is not needed: the variable is set in code). Each pass builds
// its tensors and sets as locals, so nrt-migrate gives its execution the inline form: a member function with
// `auto` status and a `continue` between execution and read, and a function template. Runs add_one.neff.
#include <cstdio>
#include <cstdlib>

#include "nrt/nrt.h"

#define CHECK(call)                                                       \
  do {                                                                    \
    NRT_STATUS s_ = (call);                                               \
    if (s_ != NRT_SUCCESS) {                                              \
      std::fprintf(stderr, "%s failed: %d\n", #call, static_cast<int>(s_)); \
      std::exit(1);                                                       \
    }                                                                     \
  } while (0)

// Plain host work: the tool follows into it (a constructor or method call, std::vector's included, is not
// followed, and would end the overlap window there; the member call Runner(model).Run is outside the window).
static double HostWork(int n) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (n * i) % 7;
  return acc / 1e3;
}

class Runner {
 public:
  explicit Runner(nrt_model_t *model) : model_(model) {}

  void Run(int passes) {
    nrt_tensor_t *x = nullptr, *y = nullptr;
    nrt_tensor_set_t *in = nullptr, *out = nullptr;
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
    CHECK(nrt_allocate_tensor_set(&in));
    CHECK(nrt_allocate_tensor_set(&out));
    CHECK(nrt_add_tensor_to_tensor_set(in, "x", x));
    CHECK(nrt_add_tensor_to_tensor_set(out, "y", y));
    for (int p = 0; p < passes; ++p) {
      float host[4] = {static_cast<float>(p), static_cast<float>(p), static_cast<float>(p), static_cast<float>(p)};
      CHECK(nrt_tensor_write(x, host, 0, sizeof host));
      auto st = nrt_execute(model_, in, out);
      double h = HostWork(p);
      if (p % 2 == 1) continue;
      float result[4];
      CHECK(nrt_tensor_read(y, result, 0, sizeof result));
      std::printf("pass %d (%d): %g %g %g %g host %.3f\n", p, static_cast<int>(st), result[0], result[1], result[2],
                  result[3], h);
    }
    nrt_destroy_tensor_set(&in);
    nrt_destroy_tensor_set(&out);
    nrt_tensor_free(&x);
    nrt_tensor_free(&y);
  }

 private:
  nrt_model_t *model_;
};

template <typename T>
T Once(nrt_model_t *model, T value) {
  nrt_tensor_t *a = nullptr, *b = nullptr;
  nrt_tensor_set_t *ins = nullptr, *outs = nullptr;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &a));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &b));
  CHECK(nrt_allocate_tensor_set(&ins));
  CHECK(nrt_allocate_tensor_set(&outs));
  CHECK(nrt_add_tensor_to_tensor_set(ins, "x", a));
  CHECK(nrt_add_tensor_to_tensor_set(outs, "y", b));
  float v[4] = {static_cast<float>(value), 0, 0, 0};
  CHECK(nrt_tensor_write(a, v, 0, sizeof v));
  nrt_execute(model, ins, outs);
  double h = HostWork(static_cast<int>(value));
  CHECK(nrt_tensor_read(b, v, 0, sizeof v));
  nrt_destroy_tensor_set(&ins);
  nrt_destroy_tensor_set(&outs);
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
  return static_cast<T>(v[0] + h * 0);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "4", 1);
  std::FILE *f = std::fopen(argv[1], "rb");
  if (!f) return 2;
  static char neff[1 << 20];
  size_t size = std::fread(neff, 1, sizeof neff, f);
  std::fclose(f);
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = nullptr;
  CHECK(nrt_load(neff, size, -1, -1, &model));
  Runner(model).Run(5);
  std::printf("template: %d\n", Once<int>(model, 41));
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
