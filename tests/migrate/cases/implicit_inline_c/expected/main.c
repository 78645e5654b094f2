/* An implicit-mode program (the variable set in code, no callback) whose executions nrt-migrate can see whole:
 * a straight-line function, a loop with host work between the execution and the read, an early break and an
 * early return between them. Its slot rotation (tensor sets reached through an array across iterations) stays
 * on the request table. Runs add_one.neff. */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

/* Added by nrt-migrate: nrt_execute on the explicit nrta_* API (nrt-migrate --explain NRTM1001). */
#include "nrt/nrt_async.h"
#ifndef NRTM_EXECUTE_HELPERS_1
#define NRTM_EXECUTE_HELPERS_1
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
/* Queues one execution, retrying while the queue is full (a blocking nrt_execute waited there too). */
static inline NRT_STATUS nrtm_schedule(nrt_model_t *model, const nrt_tensor_set_t *input,
                                       nrt_tensor_set_t *output, NRT_STATUS *ret, nrta_seq_t *seq) {
  NRT_STATUS s;
  while ((s = nrta_execute_schedule(model, input, output, 0, ret, seq)) == NRT_QUEUE_FULL) sched_yield();
  return s;
}
/* Waits for a request nrtm_schedule returned `scheduled` for; the value is the request's own status. */
static inline NRT_STATUS nrtm_finish(NRT_STATUS scheduled, nrta_seq_t seq, const NRT_STATUS *ret) {
  if (scheduled != NRT_SUCCESS) return scheduled;
  int fd = eventfd(0, EFD_CLOEXEC);
  if (fd >= 0 && nrta_event_register_seq_id_completion(seq, fd) == NRT_SUCCESS) {
    uint64_t n;
    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {
    }
    nrta_event_register_seq_id_completion(seq, -1);
  }
  if (fd >= 0) close(fd);
  bool done = false; /* confirms completion (and covers a failed eventfd) before *ret is read */
  NRT_STATUS s;
  while ((s = nrta_is_completed(seq, &done)) == NRT_SUCCESS && !done) sched_yield();
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
  CHECK(nrtm_inflight_tensor_write(x, in, 0, sizeof in));
  NRT_STATUS nrtm_ret_42 = NRT_SUCCESS;
  nrta_seq_t nrtm_seq_42 = 0;
  NRT_STATUS nrtm_st_42;
  NRT_STATUS st = (nrtm_st_42 = nrtm_schedule(model, in_set, out_set, &nrtm_ret_42, &nrtm_seq_42));
  double h = host_work(7);
  float out[4];
  if (nrtm_st_42 == NRT_SUCCESS && (nrtm_st_42 = nrtm_finish(nrtm_st_42, nrtm_seq_42, &nrtm_ret_42)) != NRT_SUCCESS)
    fprintf(stderr, "nrt-migrate: execution at main.c:42 failed: %s\n", nrt_get_status_as_str(nrtm_st_42));
  CHECK(nrtm_inflight_tensor_read(y, out, 0, sizeof out));
  print_out("straight", (int)st, out, h);
  nrtm_inflight_destroy_tensor_set(&in_set);
  nrtm_inflight_destroy_tensor_set(&out_set);
  nrtm_inflight_tensor_free(&x);
  nrtm_inflight_tensor_free(&y);
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
    CHECK(nrtm_inflight_tensor_write(x, in, 0, sizeof in));
    NRT_STATUS nrtm_ret_67 = NRT_SUCCESS;
    nrta_seq_t nrtm_seq_67 = 0;
    NRT_STATUS nrtm_st_67 = nrtm_schedule(model, inputs, outputs, &nrtm_ret_67, &nrtm_seq_67);
    double h = host_work(iter);
    if (nrtm_st_67 == NRT_SUCCESS && (nrtm_st_67 = nrtm_finish(nrtm_st_67, nrtm_seq_67, &nrtm_ret_67)) != NRT_SUCCESS)
      fprintf(stderr, "nrt-migrate: execution at main.c:67 failed: %s\n", nrt_get_status_as_str(nrtm_st_67));
    if (iter == stop_at) break;
    float out[4];
    CHECK(nrtm_inflight_tensor_read(y, out, 0, sizeof out));
    print_out("loop", iter, out, h);
  }
  /* The last execution before the break was never read: its output is still what the device wrote. */
  float last[4];
  CHECK(nrtm_inflight_tensor_read(y, last, 0, sizeof last));
  print_out("after break", stop_at, last, 0);
  nrtm_inflight_destroy_tensor_set(&inputs);
  nrtm_inflight_destroy_tensor_set(&outputs);
  nrtm_inflight_tensor_free(&x);
  nrtm_inflight_tensor_free(&y);
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
  CHECK(nrtm_inflight_tensor_write(x, in, 0, sizeof in));
  NRT_STATUS nrtm_ret_98 = NRT_SUCCESS;
  nrta_seq_t nrtm_seq_98 = 0;
  NRT_STATUS nrtm_st_98;
  st = (nrtm_st_98 = nrtm_schedule(model, ins, outs, &nrtm_ret_98, &nrtm_seq_98));
  double h = host_work(3);
  if (nrtm_st_98 == NRT_SUCCESS && (nrtm_st_98 = nrtm_finish(nrtm_st_98, nrtm_seq_98, &nrtm_ret_98)) != NRT_SUCCESS)
    fprintf(stderr, "nrt-migrate: execution at main.c:98 failed: %s\n", nrt_get_status_as_str(nrtm_st_98));
  if (give_up) return (int)st - 1;
  float out[4];
  CHECK(nrtm_inflight_tensor_read(y, out, 0, sizeof out));
  print_out("early", give_up, out, h);
  nrtm_inflight_destroy_tensor_set(&ins);
  nrtm_inflight_destroy_tensor_set(&outs);
  nrtm_inflight_tensor_free(&x);
  nrtm_inflight_tensor_free(&y);
  return (int)st;
}

/* Slot rotation: the sets are reached through an array across iterations; the table keeps two in flight. */
struct slot {
  nrt_tensor_t *x, *y;
  nrt_tensor_set_t *in, *out;
};

static void slot_rotation(nrt_model_t *model) {
  struct slot slots[2];
  for (int i = 0; i < 2; ++i) {
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &slots[i].x));
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &slots[i].y));
    CHECK(nrt_allocate_tensor_set(&slots[i].in));
    CHECK(nrt_allocate_tensor_set(&slots[i].out));
    CHECK(nrt_add_tensor_to_tensor_set(slots[i].in, "x", slots[i].x));
    CHECK(nrt_add_tensor_to_tensor_set(slots[i].out, "y", slots[i].y));
  }
  for (int iter = 0; iter < 6; ++iter) {
    struct slot *s = &slots[iter % 2];
    if (iter >= 2) {
      float out[4];
      CHECK(nrtm_inflight_tensor_read(s->y, out, 0, sizeof out));
      print_out("slot", iter - 2, out, 0);
    }
    float in[4] = {(float)iter, 1, 2, 3};
    CHECK(nrtm_inflight_tensor_write(s->x, in, 0, sizeof in));
    nrtm_inflight_execute(model, s->in, s->out);
    host_work(iter);
  }
  for (int i = 0; i < 2; ++i) {
    float out[4];
    CHECK(nrtm_inflight_tensor_read(slots[i].y, out, 0, sizeof out));
    print_out("slot tail", i, out, 0);
    nrtm_inflight_destroy_tensor_set(&slots[i].in);
    nrtm_inflight_destroy_tensor_set(&slots[i].out);
    nrtm_inflight_tensor_free(&slots[i].x);
    nrtm_inflight_tensor_free(&slots[i].y);
  }
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
  nrt_model_t *model = NULL;
  CHECK(nrt_load(neff, (size_t)size, -1, -1, &model));
  free(neff);
  straight_line(model);
  loop_with_break(model, 3);
  printf("early return: %d\n", early_return(model, 1));
  printf("no early return: %d\n", early_return(model, 0));
  slot_rotation(model);
  CHECK(nrtm_inflight_unload(model));
  nrtm_inflight_close();
  return 0;
}
