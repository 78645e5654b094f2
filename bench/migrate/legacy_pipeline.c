/* A legacy implicit-mode loop for the overlap measurement (bench/migrate/overlap.sh): each iteration writes
 * the input, calls nrt_execute (which returned at once in implicit mode), does ~1 ms of host work, and reads the
 * output. Synchronously the host work waits for the device; migrated with a deferred wait it overlaps it.
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
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *inputs = NULL, *outputs = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kElems * 4, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kElems * 4, "y", &y));
  CHECK(nrt_allocate_tensor_set(&inputs));
  CHECK(nrt_allocate_tensor_set(&outputs));
  CHECK(nrt_add_tensor_to_tensor_set(inputs, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(outputs, "y", y));
  float *in = malloc(kElems * 4), *out = malloc(kElems * 4);
  double checksum = 0, host = 0;
  double t0 = now();
  for (int iter = 0; iter < kIters; ++iter) {
    for (int i = 0; i < kElems; ++i) in[i] = (float)((i + iter) % 17) / 8.0f - 1.0f;
    CHECK(nrt_tensor_write(x, in, 0, kElems * 4));
    nrt_execute(model, inputs, outputs);
    host += host_work(iter, spins);
    CHECK(nrt_tensor_read(y, out, 0, kElems * 4));
    for (int i = 0; i < kElems; i += 97) checksum += out[i];
  }
  double t1 = now();
  report(checksum, host, t0, t1);
  free(in);
  free(out);
  nrt_destroy_tensor_set(&inputs);
  nrt_destroy_tensor_set(&outputs);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
