/* The cost of the support header's fence check (command in bench/README.md): nrt_tensor_read of a 16-byte
 * device tensor directly and through nrtm_inflight_tensor_read with nothing in flight, i.e. the lock and the
 * table scan every migrated read pays. Prints the median ns per call of 5 rounds of N calls each.
 *   fence_cost model.neff [N] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nrtm_inflight.h"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef NRT_STATUS (*read_fn)(const nrt_tensor_t *, void *, size_t, size_t);

static double median_ns(read_fn fn, const nrt_tensor_t *t, long n) {
  double r[5];
  float v[4];
  for (int round = 0; round < 5; ++round) {
    double t0 = now_ns();
    for (long i = 0; i < n; ++i)
      if (fn(t, v, 0, sizeof v) != NRT_SUCCESS) exit(1);
    r[round] = (now_ns() - t0) / (double)n;
  }
  qsort(r, 5, sizeof r[0], cmp);
  return r[2];
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  long n = argc > 2 ? atol(argv[2]) : 200000;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc((size_t)size);
  if (fread(neff, 1, (size_t)size, f) != (size_t)size) return 2;
  fclose(f);
  nrt_model_t *model = NULL;
  nrt_tensor_t *x = NULL, *y = NULL, *probe = NULL;
  nrt_tensor_set_t *in = NULL, *out = NULL;
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS ||
      nrt_load(neff, (size_t)size, -1, -1, &model) != NRT_SUCCESS ||
      nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x) != NRT_SUCCESS ||
      nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y) != NRT_SUCCESS ||
      nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "probe", &probe) != NRT_SUCCESS ||
      nrt_allocate_tensor_set(&in) != NRT_SUCCESS || nrt_allocate_tensor_set(&out) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(in, "x", x) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(out, "y", y) != NRT_SUCCESS)
    return 1;
  free(neff);
  double direct = median_ns(nrt_tensor_read, probe, n);
  double fenced = median_ns(nrtm_inflight_tensor_read, probe, n);
  printf("nrt_tensor_read %.0f ns, nrtm_inflight_tensor_read (table empty) %.0f ns: +%.0f ns per call\n", direct,
         fenced, fenced - direct);
  nrtm_inflight_destroy_tensor_set(&in);
  nrtm_inflight_destroy_tensor_set(&out);
  nrtm_inflight_tensor_free(&x);
  nrtm_inflight_tensor_free(&y);
  nrtm_inflight_tensor_free(&probe);
  nrtm_inflight_unload(model);
  nrtm_inflight_close();
  return 0;
}
