/* Implicit mode fenced nrt_close: a runtime one thread closes while another thread's execution is still pending
 * is closed after that execution completed. The worker's execution gets the inline form; main closes the
 * runtime while that execution is held in flight (the simulator's hold fault, which the program sets itself: a
 * request stays in flight until the file `hold` names exists). The migrated nrt_close must wait for the
 * worker's request (validation mode, which run_case.sh uses, reports requests a close cut short); a helper
 * thread releases the hold once the close returned, or after 200 ms if it is waiting. The worker touches
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

static char hold[128], held[140];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t closed_cv = PTHREAD_COND_INITIALIZER;
static int closed;

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (iter * i) % 7;
  return acc;
}

/* Everything the execution uses is local: the tool gives it the inline form. */
static void *worker(void *arg) {
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
  nrt_execute(model, in_set, out_set);
  host_work(5);
  return NULL;
}

/* Releases the hold once main's close returned, or after 200 ms if it is still waiting (as it must). */
static void *releaser(void *arg) {
  (void)arg;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += 200 * 1000 * 1000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec += 1;
    until.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&mu);
  while (!closed && pthread_cond_timedwait(&closed_cv, &mu, &until) != ETIMEDOUT) {
  }
  pthread_mutex_unlock(&mu);
  FILE *f = fopen(hold, "w");
  if (f) fclose(f);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  snprintf(hold, sizeof hold, "/tmp/nrtm-close-thread.%d", (int)getpid());
  snprintf(held, sizeof held, "%s.held", hold);
  remove(hold);
  remove(held);
  char faults[200];
  snprintf(faults, sizeof faults, "xu=compute,nth=1,hold=%s", hold);
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
  free(neff);
  pthread_t w, r;
  if (pthread_create(&w, NULL, worker, model) != 0) return 3;
  /* The worker's execution is in flight (held) once the simulator created the .held file. */
  for (int i = 0; access(held, F_OK) != 0; ++i) {
    if (i == 10000) {
      fprintf(stderr, "the execution never started holding\n");
      return 4;
    }
    usleep(1000);
  }
  if (pthread_create(&r, NULL, releaser, NULL) != 0) return 3;
  nrt_close();
  pthread_mutex_lock(&mu);
  closed = 1;
  pthread_cond_signal(&closed_cv);
  pthread_mutex_unlock(&mu);
  pthread_join(w, NULL);
  pthread_join(r, NULL);
  printf("closed\n");
  remove(hold);
  remove(held);
  return 0;
}
