/* The support header compiled as C (the language most legacy implicit-mode code is written in): a small
 * pipeline over add_one with rotating slots, a callback, a drain and deferred releases. Called by
 * nrtm_inflight_test.cc; returns 0 or the number of the first check that failed. */
#include <stdio.h>
#include <stdlib.h>

#include "nrtm_inflight.h"

int nrtm_inflight_c_pipeline(const char *model_path, int iterations);

typedef struct {
  pthread_mutex_t mu;
  int calls, failed;
  uint64_t last_job;
} c_counts_t;

static void c_on_complete(void *params, uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) {
  c_counts_t *c = (c_counts_t *)params;
  (void)model_id;
  (void)vnc;
  pthread_mutex_lock(&c->mu);
  if (job_id <= c->last_job || status != NRT_SUCCESS) c->failed++;
  c->last_job = job_id;
  c->calls++;
  pthread_mutex_unlock(&c->mu);
}

static void *c_read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *buf = n > 0 ? malloc((size_t)n) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return buf;
}

enum { kSlots = 3 };

int nrtm_inflight_c_pipeline(const char *model_path, int iterations) {
  static c_counts_t counts = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
  size_t size = 0;
  void *neff = c_read_file(model_path, &size);
  if (!neff) return 1;
  if (nrtm_inflight_register_callback(c_on_complete, &counts) != NRT_SUCCESS) return 2;
  nrtm_inflight_set_depth(2);
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 3;
  nrt_model_t *model = NULL;
  NRT_STATUS loaded = nrt_load(neff, size, -1, -1, &model);
  free(neff);
  if (loaded != NRT_SUCCESS) return 4;
  nrt_tensor_t *x[kSlots], *y[kSlots];
  nrt_tensor_set_t *in[kSlots], *out[kSlots];
  for (int k = 0; k < kSlots; ++k) {
    if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x[k]) != NRT_SUCCESS ||
        nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y[k]) != NRT_SUCCESS ||
        nrt_allocate_tensor_set(&in[k]) != NRT_SUCCESS || nrt_allocate_tensor_set(&out[k]) != NRT_SUCCESS ||
        nrt_add_tensor_to_tensor_set(in[k], "x", x[k]) != NRT_SUCCESS ||
        nrt_add_tensor_to_tensor_set(out[k], "y", y[k]) != NRT_SUCCESS)
      return 5;
  }
  /* Slot rotation: read the result of iteration i - kSlots, write the next input, execute. */
  for (int i = 0; i < iterations + kSlots; ++i) {
    int k = i % kSlots;
    float v[4];
    if (i >= kSlots) {
      if (nrtm_inflight_tensor_read(y[k], v, 0, sizeof v) != NRT_SUCCESS) return 6;
      for (int e = 0; e < 4; ++e)
        if (v[e] != (float)(i - kSlots + e) + 1.0f) return 7;
    }
    if (i >= iterations) continue;
    for (int e = 0; e < 4; ++e) v[e] = (float)(i + e);
    if (nrtm_inflight_tensor_write(x[k], v, 0, sizeof v) != NRT_SUCCESS) return 8;
    if (nrtm_inflight_execute(model, in[k], out[k]) != NRT_SUCCESS) return 9;
  }
  /* One more round, released right after scheduling, as wrappers that build a set per call do. */
  for (int k = 0; k < kSlots; ++k) {
    if (nrtm_inflight_execute(model, in[k], out[k]) != NRT_SUCCESS) return 10;
    nrtm_inflight_destroy_tensor_set(&in[k]);
    nrtm_inflight_destroy_tensor_set(&out[k]);
    nrtm_inflight_tensor_free(&x[k]);
    nrtm_inflight_tensor_free(&y[k]);
    if (in[k] || out[k] || x[k] || y[k]) return 11;
  }
  if (nrtm_inflight_drain(0) != NRT_SUCCESS) return 12;
  pthread_mutex_lock(&counts.mu);
  int calls = counts.calls, failed = counts.failed;
  pthread_mutex_unlock(&counts.mu);
  if (calls != iterations + kSlots || failed != 0) return 13;
  if (nrtm_inflight_unload(model) != NRT_SUCCESS) return 14;
  nrtm_inflight_close();
  return nrtm_inflight_table.n_deferred == 0 && !nrtm_inflight_table.running ? 0 : 15;
}
