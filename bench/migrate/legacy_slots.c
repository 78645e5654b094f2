/* The slot-rotation form of legacy_pipeline.c for bench/migrate/overlap.sh: two slots of tensors rotate; each
 * iteration reads the output its slot got two iterations back, writes the slot's input, calls nrt_execute (which
 * returned at once in implicit mode) and does ~1 ms of host work. Synchronously the host work waits for the
 * device; migrated into the request table, the next iteration's host work overlaps the previous execution.
 * stdout: a checksum of every output (compared between runs); stderr: the wall time. */
#include "legacy_bench.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  long spins = argc > 2 ? atol(argv[2]) : 1000000;
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "2", 1);
  size_t size = 0;
  void *neff = read_neff(argv[1], &size);
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = NULL;
  CHECK(nrt_load(neff, size, -1, -1, &model));
  free(neff);
  nrt_tensor_t *x[2] = {NULL, NULL}, *y[2] = {NULL, NULL};
  nrt_tensor_set_t *inputs[2] = {NULL, NULL}, *outputs[2] = {NULL, NULL};
  for (int k = 0; k < 2; ++k) {
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kElems * 4, "x", &x[k]));
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kElems * 4, "y", &y[k]));
    CHECK(nrt_allocate_tensor_set(&inputs[k]));
    CHECK(nrt_allocate_tensor_set(&outputs[k]));
    CHECK(nrt_add_tensor_to_tensor_set(inputs[k], "x", x[k]));
    CHECK(nrt_add_tensor_to_tensor_set(outputs[k], "y", y[k]));
  }
  float *in = malloc(kElems * 4), *out = malloc(kElems * 4);
  double checksum = 0, host = 0;
  double t0 = now();
  for (int iter = 0; iter < kIters + 2; ++iter) {
    int k = iter % 2;
    if (iter >= 2) {
      CHECK(nrt_tensor_read(y[k], out, 0, kElems * 4));
      for (int i = 0; i < kElems; i += 97) checksum += out[i];
    }
    if (iter >= kIters) continue;
    for (int i = 0; i < kElems; ++i) in[i] = (float)((i + iter) % 17) / 8.0f - 1.0f;
    CHECK(nrt_tensor_write(x[k], in, 0, kElems * 4));
    nrt_execute(model, inputs[k], outputs[k]);
    host += host_work(iter, spins);
  }
  double t1 = now();
  report(checksum, host, t0, t1);
  free(in);
  free(out);
  for (int k = 0; k < 2; ++k) {
    nrt_destroy_tensor_set(&inputs[k]);
    nrt_destroy_tensor_set(&outputs[k]);
    nrt_tensor_free(&x[k]);
    nrt_tensor_free(&y[k]);
  }
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
