/* Implicit mode fenced nrt_unload and nrt_close: a model one thread unloads, or a runtime it closes, while
 * another thread's execution is still pending is unloaded / closed after that execution completed. Each worker's
 * execution gets the inline form. Main unloads the model while the first worker's execution is held in flight,
 * then loads it again and closes the runtime while the second worker's is held (the simulator's hold fault,
 * which the program sets itself: request K of the core stays in flight until the file hold[K] names exists).
 * The migrated nrt_unload and nrt_close must wait for the workers' requests: validation mode, which
 * run_case.sh uses, reports a model unloaded or a runtime closed under a pending request. A helper thread
 * releases each hold once main's call returned, or after 200 ms if it is waiting. The second worker touches
 * nothing after its execution (after the close every call would fail). Runs add_one.neff. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "nrt/nrt.h"

#define CHECK(call)                                       \
  do {                                                    \
    NRT_STATUS s_ = (call);                               \
    if (s_ != NRT_SUCCESS) {                              \
      fprintf(stderr, "%s failed: %d\n", #call, (int)s_); \
      exit(1);                                            \
    }                                                     \
  } while (0)

static char hold[2][128];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t returned_cv = PTHREAD_COND_INITIALIZER;
static int returned[2];

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (iter * i) % 7;
  return acc;
}

/* Everything the execution uses is local: the tool gives it the inline form. */
static void *reading_worker(void *arg) {
  nrt_model_t *model = (nrt_model_t *)arg;
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *in_set = NULL, *out_set = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&in_set));
  CHECK(nrt_allocate_tensor_set(&out_set));
  CHECK(nrt_add_tensor_to_tensor_set(in_set, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(out_set, "y", y));
  float in[4] = {1, 2, 3, 4};
  CHECK(nrt_tensor_write(x, in, 0, sizeof in));
  NRT_STATUS st = nrt_execute(model, in_set, out_set);
  double h = host_work(5);
  float out[4];
  CHECK(nrt_tensor_read(y, out, 0, sizeof out));
  printf("worker %d: %g %g %g %g (host %.0f)\n", (int)st, out[0], out[1], out[2], out[3], h);
  nrt_destroy_tensor_set(&in_set);
  nrt_destroy_tensor_set(&out_set);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  return NULL;
}

/* The same, but nothing after the execution: the runtime is closed under it. */
static void *silent_worker(void *arg) {
  nrt_model_t *model = (nrt_model_t *)arg;
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *in_set = NULL, *out_set = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&in_set));
  CHECK(nrt_allocate_tensor_set(&out_set));
  CHECK(nrt_add_tensor_to_tensor_set(in_set, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(out_set, "y", y));
  float in[4] = {5, 6, 7, 8};
  CHECK(nrt_tensor_write(x, in, 0, sizeof in));
  nrt_execute(model, in_set, out_set);
  host_work(6);
  return NULL;
}

/* Releases hold[k] once main's call returned, or after 200 ms if it is still waiting (as it must). */
static void *releaser(void *arg) {
  int k = (int)(long)arg;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += 200 * 1000 * 1000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec += 1;
    until.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&mu);
  while (!returned[k] && pthread_cond_timedwait(&returned_cv, &mu, &until) != ETIMEDOUT) {
  }
  pthread_mutex_unlock(&mu);
  FILE *f = fopen(hold[k], "w");
  if (f) fclose(f);
  return NULL;
}

/* Waits until request k + 1 of the core is held (the simulator creates hold[k].held), then starts its releaser. */
static int start_releaser(int k, pthread_t *r) {
  char held[140];
  snprintf(held, sizeof held, "%s.held", hold[k]);
  for (int i = 0; access(held, F_OK) != 0; ++i) {
    if (i == 10000) {
      fprintf(stderr, "execution %d never started holding\n", k + 1);
      return -1;
    }
    usleep(1000);
  }
  return pthread_create(r, NULL, releaser, (void *)(long)k);
}

static void mark_returned(int k) {
  pthread_mutex_lock(&mu);
  returned[k] = 1;
  pthread_cond_broadcast(&returned_cv);
  pthread_mutex_unlock(&mu);
}

static void remove_holds(void) {
  for (int k = 0; k < 2; ++k) {
    char held[140];
    snprintf(held, sizeof held, "%s.held", hold[k]);
    remove(hold[k]);
    remove(held);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  for (int k = 0; k < 2; ++k) snprintf(hold[k], sizeof hold[k], "/tmp/nrtm-unload-close.%d.%d", (int)getpid(), k);
  remove_holds();
  char faults[400];
  snprintf(faults, sizeof faults, "xu=compute,nth=1,hold=%s;xu=compute,nth=2,hold=%s", hold[0], hold[1]);
  setenv("NRT_SIM_FAULTS", faults, 1);
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "2", 1);
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
  pthread_t w, r;
  if (pthread_create(&w, NULL, reading_worker, model) != 0 || start_releaser(0, &r) != 0) return 3;
  NRT_STATUS u = nrt_unload(model);
  mark_returned(0);
  pthread_join(w, NULL);
  pthread_join(r, NULL);
  printf("unload: %d\n", (int)u);
  CHECK(nrt_load(neff, (size_t)size, -1, -1, &model));
  free(neff);
  if (pthread_create(&w, NULL, silent_worker, model) != 0 || start_releaser(1, &r) != 0) return 3;
  nrt_close();
  mark_returned(1);
  pthread_join(w, NULL);
  pthread_join(r, NULL);
  printf("closed\n");
  remove_holds();
  return 0;
}
