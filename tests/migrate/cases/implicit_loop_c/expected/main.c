/* An implicit-mode program: nrt_execute returned once queued, and host work ran while the device computed;
 * the read of the output waited (the runtime's tensor fence). Runs add_one.neff. */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

#define CHECK(call)                                              \
  do {                                                           \
    NRT_STATUS s_ = (call);                                      \
    if (s_ != NRT_SUCCESS) {                                     \
      fprintf(stderr, "%s failed: %d\n", #call, (int)s_);        \
      exit(1);                                                   \
    }                                                            \
  } while (0)

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (iter * i) % 7;
  return acc;
}

static void on_done(void *params, uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) {
  (void)params, (void)model_id, (void)vnc, (void)job_id, (void)status;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  nrtm_inflight_set_depth(2);
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc((size_t)size);
  if (fread(neff, 1, (size_t)size, f) != (size_t)size) return 2;
  fclose(f);
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  CHECK(nrtm_inflight_register_callback(on_done, NULL));
  nrt_model_t *model = NULL;
  CHECK(nrt_load(neff, (size_t)size, -1, -1, &model));
  free(neff);
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *inputs = NULL, *outputs = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&inputs));
  CHECK(nrt_allocate_tensor_set(&outputs));
  CHECK(nrt_add_tensor_to_tensor_set(inputs, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(outputs, "y", y));
  for (int iter = 0; iter < 6; ++iter) {
    float in[4] = {(float)iter, (float)iter * 2, (float)-iter, 0.5f};
    CHECK(nrtm_inflight_tensor_write(x, in, 0, sizeof in));
    nrtm_inflight_execute(model, inputs, outputs);
    double h = host_work(iter);
    float out[4];
    CHECK(nrtm_inflight_tensor_read(y, out, 0, sizeof out));
    printf("iter %d: %g %g %g %g (host %.0f)\n", iter, out[0], out[1], out[2], out[3], h);
  }
  nrtm_inflight_drain(0);
  CHECK(nrtm_inflight_drain(0));
  nrtm_inflight_destroy_tensor_set(&inputs);
  nrtm_inflight_destroy_tensor_set(&outputs);
  nrtm_inflight_tensor_free(&x);
  nrtm_inflight_tensor_free(&y);
  CHECK(nrtm_inflight_unload(model));
  nrtm_inflight_close();
  return 0;
}
