// Implicit mode given on the command line (--mode implicit: nothing in the code says so): C++ with an RAII
// slot whose destructor releases tensors that may still be in flight, a template that drives the loop, and
// lambdas that execute and read.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "nrt/nrt.h"
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

namespace {

struct Slot {
  nrt_tensor_t *x = nullptr, *y = nullptr;
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
  bool ok = false;
  Slot() {
    ok = nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x) == NRT_SUCCESS &&
         nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y) == NRT_SUCCESS &&
         nrt_allocate_tensor_set(&in) == NRT_SUCCESS && nrt_allocate_tensor_set(&out) == NRT_SUCCESS &&
         nrt_add_tensor_to_tensor_set(in, "x", x) == NRT_SUCCESS &&
         nrt_add_tensor_to_tensor_set(out, "y", y) == NRT_SUCCESS;
  }
  ~Slot() {
    nrtm_inflight_destroy_tensor_set(&in);
    nrtm_inflight_destroy_tensor_set(&out);
    nrtm_inflight_tensor_free(&x);
    nrtm_inflight_tensor_free(&y);
  }
  Slot(const Slot &) = delete;
  Slot &operator=(const Slot &) = delete;
};

template <typename Step, typename Drain>
bool Rotate(int iterations, int slots, Step step, Drain drain) {
  for (int i = 0; i < iterations + slots; ++i) {
    if (i >= slots && !drain(i % slots)) return false;
    if (i < iterations && !step(i, i % slots)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  FILE *f = std::fopen(argv[1], "rb");
  if (!f) return 2;
  std::fseek(f, 0, SEEK_END);
  long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  std::vector<char> neff(static_cast<size_t>(size));
  if (std::fread(neff.data(), 1, neff.size(), f) != neff.size()) return 2;
  std::fclose(f);
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 1;
  nrt_model_t *model = nullptr;
  if (nrt_load(neff.data(), neff.size(), -1, -1, &model) != NRT_SUCCESS) return 1;
  bool ok;
  {
    std::vector<Slot> slots(2);
    ok = Rotate(
        5, 2,
        [&](int i, int k) {
          float v[4] = {float(i), 1, 2, 3};
          return nrtm_inflight_tensor_write(slots[k].x, v, 0, sizeof v) == NRT_SUCCESS &&
                 nrtm_inflight_execute(model, slots[k].in, slots[k].out) == NRT_SUCCESS;
        },
        [&](int k) {
          float v[4];
          if (nrtm_inflight_tensor_read(slots[k].y, v, 0, sizeof v) != NRT_SUCCESS) return false;
          std::printf("%g %g %g %g\n", v[0], v[1], v[2], v[3]);
          return true;
        });
    // A last execution still in flight when the slots go out of scope: their release is deferred.
    ok = ok && nrtm_inflight_execute(model, slots[0].in, slots[0].out) == NRT_SUCCESS;
  }
  ok = nrtm_inflight_unload(model) == NRT_SUCCESS && ok;
  nrtm_inflight_close();
  return ok ? 0 : 1;
}
