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

/* Added by nrt-migrate: nrt_execute on the explicit nrta_* API (nrt-migrate --explain NRTM1001). */
#include "nrt/nrt_async.h"
#ifndef NRTM_EXECUTE_HELPERS_1
#define NRTM_EXECUTE_HELPERS_1
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
/* Blocks until request seq has completed (its status slot is then readable); the value says whether it
 * could tell (NRT_SUCCESS), or why not. */
static inline NRT_STATUS nrtm_await(nrta_seq_t seq) {
  int fd = eventfd(0, EFD_CLOEXEC);
  if (fd >= 0 && nrta_event_register_seq_id_completion(seq, fd) == NRT_SUCCESS) {
    uint64_t n;
    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {
    }
    nrta_event_register_seq_id_completion(seq, -1);
  }
  if (fd >= 0) close(fd);
  bool done = false; /* confirms completion (and covers a failed eventfd) */
  NRT_STATUS s;
  while ((s = nrta_is_completed(seq, &done)) == NRT_SUCCESS && !done) sched_yield();
  return s;
}
#include "nrt/nrt_experimental.h" /* nrt_get_model_info */
#include <pthread.h>
#include <stdio.h>
/* Implicit mode kept at most NRTM_INLINE_DEPTH requests in flight per core and made nrt_unload, nrt_close
 * and the drain wait for every pending one. The inline form's requests are recorded here (one record per
 * process, weak; zero is an unlocked mutex on Linux) so that the code below does the same. */
#define NRTM_INLINE_DEPTH 2 /* the program's, from main.c:138 */
#define NRTM_INLINE_CAPACITY 256
typedef struct nrtm_inline_req {
  const nrt_model_t *model;
  uint32_t vnc;
  nrta_seq_t seq;
} nrtm_inline_req_t;
typedef struct nrtm_inline_inflight {
  pthread_mutex_t mu;
  int depth; /* nrtm_set_depth; 0: NRTM_INLINE_DEPTH */
  int n;
  nrtm_inline_req_t req[NRTM_INLINE_CAPACITY];
} nrtm_inline_inflight_t;
__attribute__((weak)) nrtm_inline_inflight_t nrtm_inline_inflight;
__attribute__((weak)) pthread_once_t nrtm_inline_once = PTHREAD_ONCE_INIT;
/* A forked child's requests are not its own (and a thread of the parent may have held the lock). */
static inline void nrtm_inline_atfork_child_(void) {
  pthread_mutex_init(&nrtm_inline_inflight.mu, NULL);
  nrtm_inline_inflight.n = 0;
}
static inline void nrtm_inline_atfork_(void) { pthread_atfork(NULL, NULL, nrtm_inline_atfork_child_); }
static inline nrtm_inline_inflight_t *nrtm_inline_lock_(void) {
  pthread_once(&nrtm_inline_once, nrtm_inline_atfork_);
  pthread_mutex_lock(&nrtm_inline_inflight.mu);
  return &nrtm_inline_inflight;
}
/* Drops the records of completed requests (and of a closed runtime). Caller holds mu. */
static inline void nrtm_inline_sweep_(nrtm_inline_inflight_t *t) {
  int k = 0;
  for (int i = 0; i < t->n; ++i) {
    bool done = false;
    if (nrta_is_completed(t->req[i].seq, &done) == NRT_SUCCESS && !done) t->req[k++] = t->req[i];
  }
  t->n = k;
}
/* Waits until no recorded request of model (NULL: any) on core vnc (negative: any) is pending. */
static inline void nrtm_inline_wait_(const nrt_model_t *model, int64_t vnc) {
  nrtm_inline_inflight_t *t = nrtm_inline_lock_();
  for (;;) {
    nrtm_inline_sweep_(t);
    int i = 0;
    while (i < t->n && !((!model || t->req[i].model == model) && (vnc < 0 || t->req[i].vnc == vnc))) ++i;
    if (i == t->n) break;
    nrta_seq_t seq = t->req[i].seq;
    pthread_mutex_unlock(&t->mu);
    nrtm_await(seq);
    t = nrtm_inline_lock_();
  }
  pthread_mutex_unlock(&t->mu);
}
/* Queues one execution once fewer than the depth are in flight on the model's core, retrying while the
 * queue is full (a blocking nrt_execute waited in both places), and records it. */
static inline NRT_STATUS nrtm_schedule(nrt_model_t *model, const nrt_tensor_set_t *input,
                                       nrt_tensor_set_t *output, NRT_STATUS *ret, nrta_seq_t *seq) {
  nrt_model_info_t info;
  NRT_STATUS s = nrt_get_model_info(model, &info, sizeof info, NULL);
  if (s != NRT_SUCCESS) return s;
  nrtm_inline_inflight_t *t = nrtm_inline_lock_();
  for (;;) {
    nrtm_inline_sweep_(t);
    int on_core = 0, oldest = -1;
    for (int i = 0; i < t->n; ++i)
      if (t->req[i].vnc == info.vnc && on_core++ == 0) oldest = i;
    if (on_core < (t->depth ? t->depth : NRTM_INLINE_DEPTH) && t->n < NRTM_INLINE_CAPACITY) break;
    nrta_seq_t oldest_seq = t->req[oldest >= 0 ? oldest : 0].seq;
    pthread_mutex_unlock(&t->mu);
    nrtm_await(oldest_seq);
    t = nrtm_inline_lock_();
  }
  while ((s = nrta_execute_schedule(model, input, output, 0, ret, seq)) == NRT_QUEUE_FULL) sched_yield();
  if (s == NRT_SUCCESS) {
    nrtm_inline_req_t r = {model, info.vnc, *seq};
    t->req[t->n++] = r;
  }
  pthread_mutex_unlock(&t->mu);
  return s;
}
/* The in-flight depth per core the program asked for (the removed variable), clamped to [1, 63] as the
 * legacy runtime did. */
static inline void nrtm_set_depth(int depth) {
  nrtm_inline_inflight_t *t = nrtm_inline_lock_();
  t->depth = depth < 1 ? 1 : depth > 63 ? 63 : depth;
  pthread_mutex_unlock(&t->mu);
}
/* nrt_unload, nrt_close and the drain of implicit mode: every thread's pending requests first. */
static inline NRT_STATUS nrtm_unload(nrt_model_t *model) {
  nrtm_inline_wait_(model, -1);
  return nrt_unload(model);
}
static inline void nrtm_close(void) {
  nrtm_inline_wait_(NULL, -1);
  nrt_close();
}
static inline NRT_STATUS nrtm_drain(int32_t vnc) {
  if (vnc < 0) {
    fprintf(stderr, "nrtm_drain: negative core index %d\n", (int)vnc);
    return NRT_INVALID;
  }
  nrtm_inline_wait_(NULL, vnc);
  return NRT_SUCCESS;
}
/* Waits for a request nrtm_schedule returned `scheduled` for; the value is the request's own status. */
static inline NRT_STATUS nrtm_finish(NRT_STATUS scheduled, nrta_seq_t seq, const NRT_STATUS *ret) {
  if (scheduled != NRT_SUCCESS) return scheduled;
  NRT_STATUS s = nrtm_await(seq);
  return s == NRT_SUCCESS ? *ret : s;
}
/* nrt_execute, exactly: schedule, wait, the request's status. */
static inline NRT_STATUS nrtm_execute_wait(nrt_model_t *model, const nrt_tensor_set_t *input,
                                           nrt_tensor_set_t *output) {
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  NRT_STATUS s = nrtm_schedule(model, input, output, &ret, &seq);
  return nrtm_finish(s, seq, &ret);
}
#endif

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
  NRT_STATUS nrtm_ret_52 = NRT_SUCCESS;
  nrta_seq_t nrtm_seq_52 = 0;
  NRT_STATUS nrtm_st_52;
  NRT_STATUS st = (nrtm_st_52 = nrtm_schedule(model, in_set, out_set, &nrtm_ret_52, &nrtm_seq_52));
  double h = host_work(5);
  float out[4];
  if (nrtm_st_52 == NRT_SUCCESS && (nrtm_st_52 = nrtm_finish(nrtm_st_52, nrtm_seq_52, &nrtm_ret_52)) != NRT_SUCCESS)
    fprintf(stderr, "nrt-migrate: execution at main.c:52 failed: %s\n", nrt_get_status_as_str(nrtm_st_52));
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
  NRT_STATUS nrtm_ret_77 = NRT_SUCCESS;
  nrta_seq_t nrtm_seq_77 = 0;
  NRT_STATUS nrtm_st_77 = nrtm_schedule(model, in_set, out_set, &nrtm_ret_77, &nrtm_seq_77);
  host_work(6);
  if (nrtm_st_77 == NRT_SUCCESS && (nrtm_st_77 = nrtm_finish(nrtm_st_77, nrtm_seq_77, &nrtm_ret_77)) != NRT_SUCCESS)
    fprintf(stderr, "nrt-migrate: execution at main.c:77 failed: %s\n", nrt_get_status_as_str(nrtm_st_77));
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
  nrtm_set_depth(2);
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
  NRT_STATUS u = nrtm_unload(model);
  mark_returned(0);
  pthread_join(w, NULL);
  pthread_join(r, NULL);
  printf("unload: %d\n", (int)u);
  CHECK(nrt_load(neff, (size_t)size, -1, -1, &model));
  free(neff);
  if (pthread_create(&w, NULL, silent_worker, model) != 0 || start_releaser(1, &r) != 0) return 3;
  nrtm_close();
  mark_returned(1);
  pthread_join(w, NULL);
  pthread_join(r, NULL);
  printf("closed\n");
  remove_holds();
  return 0;
}
