/*
 * nrt-pipeline: an explicit-async (nrta_*) application in the style of the Neuron migration guide.
 *
 * Each batch goes write (TENSOR_OP queue 0) -> execute (COMPUTE) -> read (TENSOR_OP queue 1). The
 * three steps run on different execution units, so each step is scheduled only after the previous
 * one completed (cross-unit dependencies are the application's job). With several buffer slots the
 * units overlap: while batch i executes, batch i+1 is written and batch i-1 is read.
 *
 * It shows: completion by eventfd (one per unit, nrta_event_register_xu_completion, epoll) with
 * nrta_is_completed re-checks; NRT_QUEUE_FULL back-pressure (keep the request, retry after the next
 * completion); a per-request NRT_STATUS checked after completion; and the numbers checked against
 * the same computation on the host.
 *
 *   nrt-pipeline [--batches N] [--slots K] [--model file.neff]
 * The timing model defaults to NRT_SIM_DMA_LATENCY_US=50, NRT_SIM_DMA_GBPS=0.5 unless set.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_experimental.h"

enum { ROWS = 256, COLS = 256, ELEMS = ROWS * COLS };
static const size_t kBytes = ELEMS * sizeof(float);

typedef enum { FREE, WRITING, EXECUTING, READING } stage_t;

typedef struct {
  stage_t stage;
  int batch;
  nrt_tensor_t *in, *out;
  nrt_tensor_set_t *in_set, *out_set;
  float *host_in, *host_out;
  nrta_seq_t seq; /* the request of the current stage */
  NRT_STATUS ret; /* its status, valid once it completed */
} slot_t;

typedef struct {
  nrt_model_t *model;
  int lnc;
  int failures;
  long queue_full;
} app_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fill_input(float *x, int batch) {
  for (int j = 0; j < ELEMS; ++j) x[j] = 3.0f * sinf(0.1f * (float)batch + 0.001f * (float)j);
}

/* The host-side reference of the model: y = tanh(0.5 x + 0.25). */
static int check_output(const float *x, const float *y, int batch) {
  for (int j = 0; j < ELEMS; ++j) {
    float want = tanhf(0.5f * x[j] + 0.25f);
    if (fabsf(y[j] - want) > 1e-5f) {
      fprintf(stderr, "batch %d: y[%d] = %.7g, expected %.7g\n", batch, j, y[j], want);
      return 1;
    }
  }
  return 0;
}

static int done(nrta_seq_t seq) {
  bool completed = false;
  NRT_STATUS s = nrta_is_completed(seq, &completed);
  if (s != NRT_SUCCESS) {
    fprintf(stderr, "nrta_is_completed: %s\n", nrt_get_status_as_str(s));
    exit(1);
  }
  return completed;
}

/* Schedules the next step of a slot. Returns 1 if scheduled, 0 on NRT_QUEUE_FULL (retry later). */
static int schedule(app_t *app, slot_t *s, stage_t next) {
  NRT_STATUS st;
  switch (next) {
    case WRITING:
      st = nrta_tensor_write(s->in, s->host_in, 0, kBytes, app->lnc, 0, &s->ret, &s->seq);
      break;
    case EXECUTING:
      st = nrta_execute_schedule(app->model, s->in_set, s->out_set, 0, &s->ret, &s->seq);
      break;
    case READING:
      st = nrta_tensor_read(s->host_out, s->out, 0, kBytes, app->lnc, 1, &s->ret, &s->seq);
      break;
    default:
      return 0;
  }
  if (st == NRT_QUEUE_FULL) {
    app->queue_full++;
    return 0;
  }
  if (st != NRT_SUCCESS) {
    fprintf(stderr, "scheduling batch %d failed: %s\n", s->batch, nrt_get_status_as_str(st));
    exit(1);
  }
  s->stage = next;
  return 1;
}

/* A completed step: check its status, then move on. Returns 1 if the slot changed. */
static int advance(app_t *app, slot_t *s, int *next_batch, int batches, int *finished) {
  static const char *names[] = {"free", "write", "execute", "read"};
  if (s->stage == FREE) {
    if (*next_batch >= batches) return 0;
    s->batch = *next_batch;
    fill_input(s->host_in, s->batch);
    if (!schedule(app, s, WRITING)) return 0;
    (*next_batch)++;
    return 1;
  }
  if (!done(s->seq)) return 0;
  if (s->ret != NRT_SUCCESS) {
    /* The per-request status: a failed step fails its batch, the pipeline goes on. */
    fprintf(stderr, "%s of batch %d completed with %s\n", names[s->stage], s->batch, nrt_get_status_as_str(s->ret));
    app->failures++;
    s->stage = FREE;
    (*finished)++;
    return 1;
  }
  switch (s->stage) {
    case WRITING:
      return schedule(app, s, EXECUTING);
    case EXECUTING:
      return schedule(app, s, READING);
    case READING:
      app->failures += check_output(s->host_in, s->host_out, s->batch);
      s->stage = FREE;
      (*finished)++;
      return 1;
    default:
      return 0;
  }
}

/* Waits until at least one of the units completes something (or the timeout passes). */
static void wait_for_completion(int epfd) {
  struct epoll_event ev[3];
  int n = epoll_wait(epfd, ev, 3, 10000);
  if (n == 0) {
    fprintf(stderr, "no completion within 10 s\n");
    exit(1);
  }
  for (int i = 0; i < n; ++i) {
    uint64_t count;
    /* One read drains every completion signalled so far; the slots are re-checked after. */
    if (read(ev[i].data.fd, &count, sizeof count) < 0 && errno != EAGAIN) perror("read eventfd");
  }
}

static double run(app_t *app, slot_t *slots, int nslots, int batches, int epfd) {
  int next_batch = 0, finished = 0;
  double start = now_ms();
  while (finished < batches) {
    int progressed = 0;
    for (int i = 0; i < nslots; ++i) progressed |= advance(app, &slots[i], &next_batch, batches, &finished);
    if (!progressed && finished < batches) wait_for_completion(epfd);
  }
  return now_ms() - start;
}

#define CHECK(call)                                                         \
  do {                                                                      \
    NRT_STATUS s_ = (call);                                                 \
    if (s_ != NRT_SUCCESS) {                                                \
      fprintf(stderr, "%s failed: %s\n", #call, nrt_get_status_as_str(s_)); \
      exit(1);                                                              \
    }                                                                       \
  } while (0)

int main(int argc, char **argv) {
  int batches = 64, nslots = 3;
  const char *model_path = NRTB_SAMPLE_MODEL;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--batches") == 0 && i + 1 < argc)
      batches = atoi(argv[++i]);
    else if (strcmp(argv[i], "--slots") == 0 && i + 1 < argc)
      nslots = atoi(argv[++i]);
    else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
      model_path = argv[++i];
    else {
      fprintf(stderr, "usage: nrt-pipeline [--batches N] [--slots K] [--model file.neff]\n");
      return 2;
    }
  }
  if (batches < 1 || nslots < 1 || nslots > 64) {
    fprintf(stderr, "nrt-pipeline: --batches must be >= 1 and --slots between 1 and 64\n");
    return 2;
  }
  setenv("NRT_SIM_DMA_LATENCY_US", "50", 0);
  setenv("NRT_SIM_DMA_GBPS", "0.5", 0);

  FILE *f = fopen(model_path, "rb");
  if (!f) {
    fprintf(stderr, "nrt-pipeline: cannot open %s: %s\n", model_path, strerror(errno));
    return 1;
  }
  fseek(f, 0, SEEK_END);
  size_t neff_size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc(neff_size);
  if (!neff || fread(neff, 1, neff_size, f) != neff_size) {
    fprintf(stderr, "nrt-pipeline: cannot read %s\n", model_path);
    return 1;
  }
  fclose(f);

  app_t app = {0};
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  CHECK(nrt_load(neff, neff_size, -1, -1, &app.model));
  free(neff);
  nrt_model_info_t info;
  CHECK(nrt_get_model_info(app.model, &info, sizeof info, NULL));
  app.lnc = (int)info.vnc;

  /* One eventfd per unit the pipeline uses, all in one epoll set. */
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  struct {
    nrta_xu_t xu;
    int queue;
    int fd;
  } units[3] = {{NRTA_XU_TENSOR_OP, 0, -1}, {NRTA_XU_COMPUTE, 0, -1}, {NRTA_XU_TENSOR_OP, 1, -1}};
  for (int u = 0; u < 3; ++u) {
    units[u].fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = units[u].fd};
    epoll_ctl(epfd, EPOLL_CTL_ADD, units[u].fd, &ev);
    CHECK(nrta_event_register_xu_completion(app.lnc, units[u].xu, units[u].queue, units[u].fd));
  }

  slot_t *slots = calloc((size_t)nslots, sizeof *slots);
  for (int i = 0; i < nslots; ++i) {
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, app.lnc, kBytes, "x", &slots[i].in));
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, app.lnc, kBytes, "y", &slots[i].out));
    CHECK(nrt_allocate_tensor_set(&slots[i].in_set));
    CHECK(nrt_allocate_tensor_set(&slots[i].out_set));
    CHECK(nrt_add_tensor_to_tensor_set(slots[i].in_set, "x", slots[i].in));
    CHECK(nrt_add_tensor_to_tensor_set(slots[i].out_set, "y", slots[i].out));
    slots[i].host_in = malloc(kBytes);
    slots[i].host_out = malloc(kBytes);
  }

  /* Serial reference: one slot, so every step waits for the previous one. */
  int serial_batches = batches < 4 ? batches : 4;
  double serial_ms = run(&app, slots, 1, serial_batches, epfd) / serial_batches;
  double pipelined_ms = run(&app, slots, nslots, batches, epfd);

  /* Deregister before closing our fds, so the runtime holds no reference to them. */
  for (int u = 0; u < 3; ++u) {
    CHECK(nrta_event_register_xu_completion(app.lnc, units[u].xu, units[u].queue, -1));
    close(units[u].fd);
  }
  close(epfd);
  for (int i = 0; i < nslots; ++i) {
    nrt_tensor_free(&slots[i].in);
    nrt_tensor_free(&slots[i].out);
    nrt_destroy_tensor_set(&slots[i].in_set);
    nrt_destroy_tensor_set(&slots[i].out_set);
    free(slots[i].host_in);
    free(slots[i].host_out);
  }
  free(slots);
  CHECK(nrt_unload(app.model));
  nrt_close();

  printf(
      "batches %d, slots %d: %.1f ms pipelined vs %.1f ms serial estimate (%.2f ms/batch serial), "
      "speed-up %.2fx, NRT_QUEUE_FULL retries %ld\n",
      batches, nslots, pipelined_ms, serial_ms * batches, serial_ms, serial_ms * batches / pipelined_ms,
      app.queue_full);
  if (app.failures != 0) {
    fprintf(stderr, "nrt-pipeline: %d batch(es) failed\n", app.failures);
    return 1;
  }
  printf("all %d batches verified against the host computation\n", batches + serial_batches);
  return 0;
}
