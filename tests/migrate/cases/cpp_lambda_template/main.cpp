// C++: a lambda, a template and an inline function in a header. Runs add_one.neff.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "exec.h"
#include "nrt/nrt_experimental.h"

#define CHECK(call)                                                       \
  do {                                                                    \
    NRT_STATUS s_ = (call);                                               \
    if (s_ != NRT_SUCCESS) {                                              \
      std::fprintf(stderr, "%s failed: %s\n", #call, nrt_get_status_as_str(s_)); \
      std::exit(1);                                                       \
    }                                                                     \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  std::ifstream f(argv[1], std::ios::binary);
  std::vector<char> neff((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = nullptr;
  CHECK(nrt_load(neff.data(), neff.size(), -1, -1, &model));
  nrt_tensor_t *x = nullptr, *y = nullptr;
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&in));
  CHECK(nrt_allocate_tensor_set(&out));
  CHECK(nrt_add_tensor_to_tensor_set(in, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(out, "y", y));
  auto step = [&](float base) {
    float v[4] = {base, base * 3, -base, 0.25f};
    CHECK(nrt_tensor_write(x, v, 0, sizeof v));
    NRT_STATUS s = nrt_execute(model, in, out);
    CHECK(s);
    CHECK(nrt_tensor_read(y, v, 0, sizeof v));
    std::printf("lambda %g: %g %g %g %g\n", base, v[0], v[1], v[2], v[3]);
  };
  step(1);
  step(2);
  float v[4] = {9, 8, 7, 6};
  CHECK(nrt_tensor_write(x, v, 0, sizeof v));
  CHECK(exec_inline(model, in, out));
  CHECK(nrt_tensor_read(y, v, 0, sizeof v));
  std::printf("inline: %g %g %g %g\n", v[0], v[1], v[2], v[3]);
  int calls = 0;
  CHECK(exec_then(model, in, out, [&] { ++calls; }));
  std::printf("template: callback ran %d time(s)\n", calls);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
