/* An implicit-mode program (the variable set in code, no callback) whose executions nrt-migrate can see whole:
 * a straight-line function, a loop with host work between the execution and the read, an early break and an
 * early return between them. Every execution gets the inline form, so the reads, writes and releases stay plain
 * calls and no file needs the support header (implicit_mixed_c adds an execution the table keeps). Runs
 * add_one.neff. */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

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
#define NRTM_INLINE_DEPTH 2 /* the program's, from main.c:114 */
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

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (iter * i) % 7;
  return acc;
}

static void print_out(const char *what, int iter, const float *out, double h) {
  printf("%s %d: %g %g %g %g (host %.0f)\n", what, iter, out[0], out[1], out[2], out[3], h);
}

/* Straight line: the status of the scheduling is kept in a variable, as implicit mode returned it. */
static int straight_line(nrt_model_t *model) {
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
  NRT_STATUS nrtm_ret_43 = NRT_SUCCESS;
  nrta_seq_t nrtm_seq_43 = 0;
  NRT_STATUS nrtm_st_43;
  NRT_STATUS st = (nrtm_st_43 = nrtm_schedule(model, in_set, out_set, &nrtm_ret_43, &nrtm_seq_43));
  double h = host_work(7);
  float out[4];
  if (nrtm_st_43 == NRT_SUCCESS && (nrtm_st_43 = nrtm_finish(nrtm_st_43, nrtm_seq_43, &nrtm_ret_43)) != NRT_SUCCESS)
    fprintf(stderr, "nrt-migrate: execution at main.c:43 failed: %s\n", nrt_get_status_as_str(nrtm_st_43));
  CHECK(nrt_tensor_read(y, out, 0, sizeof out));
  print_out("straight", (int)st, out, h);
  nrt_destroy_tensor_set(&in_set);
  nrt_destroy_tensor_set(&out_set);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  return 0;
}

/* A loop with host work between the execution and the read, and an early break between them. */
static void loop_with_break(nrt_model_t *model, int stop_at) {
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
    CHECK(nrt_tensor_write(x, in, 0, sizeof in));
    NRT_STATUS nrtm_ret_68 = NRT_SUCCESS;
    nrta_seq_t nrtm_seq_68 = 0;
    NRT_STATUS nrtm_st_68 = nrtm_schedule(model, inputs, outputs, &nrtm_ret_68, &nrtm_seq_68);
    double h = host_work(iter);
    if (nrtm_st_68 == NRT_SUCCESS && (nrtm_st_68 = nrtm_finish(nrtm_st_68, nrtm_seq_68, &nrtm_ret_68)) != NRT_SUCCESS)
      fprintf(stderr, "nrt-migrate: execution at main.c:68 failed: %s\n", nrt_get_status_as_str(nrtm_st_68));
    if (iter == stop_at) break;
    float out[4];
    CHECK(nrt_tensor_read(y, out, 0, sizeof out));
    print_out("loop", iter, out, h);
  }
  /* The last execution before the break was never read: its output is still what the device wrote. */
  float last[4];
  CHECK(nrt_tensor_read(y, last, 0, sizeof last));
  print_out("after break", stop_at, last, 0);
  nrt_destroy_tensor_set(&inputs);
  nrt_destroy_tensor_set(&outputs);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
}

/* An early return between the execution and the read: the tensors leak on that path on purpose (legacy code
 * does), but the request must still have completed before the function returns. */
static int early_return(nrt_model_t *model, int give_up) {
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *ins = NULL, *outs = NULL;
  NRT_STATUS st = NRT_SUCCESS;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&ins));
  CHECK(nrt_allocate_tensor_set(&outs));
  CHECK(nrt_add_tensor_to_tensor_set(ins, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(outs, "y", y));
  float in[4] = {10, 20, 30, 40};
  CHECK(nrt_tensor_write(x, in, 0, sizeof in));
  NRT_STATUS nrtm_ret_99 = NRT_SUCCESS;
  nrta_seq_t nrtm_seq_99 = 0;
  NRT_STATUS nrtm_st_99;
  st = (nrtm_st_99 = nrtm_schedule(model, ins, outs, &nrtm_ret_99, &nrtm_seq_99));
  double h = host_work(3);
  if (nrtm_st_99 == NRT_SUCCESS && (nrtm_st_99 = nrtm_finish(nrtm_st_99, nrtm_seq_99, &nrtm_ret_99)) != NRT_SUCCESS)
    fprintf(stderr, "nrt-migrate: execution at main.c:99 failed: %s\n", nrt_get_status_as_str(nrtm_st_99));
  if (give_up) return (int)st - 1;
  float out[4];
  CHECK(nrt_tensor_read(y, out, 0, sizeof out));
  print_out("early", give_up, out, h);
  nrt_destroy_tensor_set(&ins);
  nrt_destroy_tensor_set(&outs);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  return (int)st;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
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
  free(neff);
  straight_line(model);
  loop_with_break(model, 3);
  printf("early return: %d\n", early_return(model, 1));
  printf("no early return: %d\n", early_return(model, 0));
  CHECK(nrtm_unload(model));
  nrtm_close();
  return 0;
}
