/* Implicit mode bounded the requests in flight per core for the whole process, not per thread: with the depth
 * set to 1, four threads executing one model never had more than one execution in flight between them. Each
 * thread's executions get the inline form (at most one in flight per thread); nrtm_schedule must hold the
 * process to the depth (max_inflight: the migrated program, traced with 2 ms executions, never shows more than
 * one request in flight). Results are printed after the threads joined, in thread order. Runs add_one.neff. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"

#define CHECK(call)                                       \
  do {                                                    \
    NRT_STATUS s_ = (call);                               \
    if (s_ != NRT_SUCCESS) {                              \
      fprintf(stderr, "%s failed: %d\n", #call, (int)s_); \
      exit(1);                                            \
    }                                                     \
  } while (0)

#define THREADS 4
#define PASSES 3

struct job {
  nrt_model_t *model;
  int id;
  float out[PASSES][4];
};

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (iter * i) % 7;
  return acc;
}

static void *worker(void *arg) {
  struct job *j = (struct job *)arg;
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *in_set = NULL, *out_set = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&in_set));
  CHECK(nrt_allocate_tensor_set(&out_set));
  CHECK(nrt_add_tensor_to_tensor_set(in_set, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(out_set, "y", y));
  for (int pass = 0; pass < PASSES; ++pass) {
    float in[4] = {(float)j->id, (float)pass, 1, 2};
    CHECK(nrt_tensor_write(x, in, 0, sizeof in));
    nrt_execute(j->model, in_set, out_set);
    host_work(pass);
    CHECK(nrt_tensor_read(y, j->out[pass], 0, sizeof j->out[pass]));
  }
  nrt_destroy_tensor_set(&in_set);
  nrt_destroy_tensor_set(&out_set);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "1", 1);
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc((size_t)size);
  if (fread(neff, 1, (size_t)size, f) != (size_t)size) return 2;
  fclose(f);
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = NULL;
  CHECK(nrt_load(neff, (size_t)size, -1, -1, &model));
  free(neff);
  static struct job jobs[THREADS];
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; ++t) {
    jobs[t].model = model;
    jobs[t].id = t;
    if (pthread_create(&threads[t], NULL, worker, &jobs[t]) != 0) return 3;
  }
  for (int t = 0; t < THREADS; ++t) pthread_join(threads[t], NULL);
  for (int t = 0; t < THREADS; ++t)
    for (int pass = 0; pass < PASSES; ++pass)
      printf("thread %d pass %d: %g %g %g %g\n", t, pass, jobs[t].out[pass][0], jobs[t].out[pass][1],
             jobs[t].out[pass][2], jobs[t].out[pass][3]);
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
