/*
 * bench_legacy_pipeline: a legacy implicit-mode inference loop (the shape SPEC §3 describes) and the
 * same pipeline hand-written with nrta_*, to measure what the implicit-async shim gives back.
 *
 * Per request i: host work of H µs (preparing input i: a busy loop, as real pre-processing is CPU
 * work), nrt_tensor_write of input slot i % S, nrt_execute on slot i % S (device time D, from the
 * model), then nrt_tensor_read of the output of request i - S + 1, checked against the host's own
 * computation. Synchronously every request costs H + D. In implicit mode (run under the shim with
 * NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=N) nrt_execute returns once scheduled, so the host work
 * of request i + 1 overlaps the device time of request i: max(H, D) per request.
 *
 *   bench_legacy_pipeline [--mode legacy|nrta] [--requests R] [--host-us H] [--slots S] [--model F]
 *
 * --mode legacy (default) uses only the synchronous-era API; --mode nrta is the hand-written explicit
 * version (nrta_execute_schedule, one eventfd per slot to wait for the request whose output it
 * reads). Prints one line: mode, requests, seconds, requests/s.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"

enum { ELEMS = 4, MAX_SLOTS = 64 };

typedef struct {
  nrt_tensor_t *in, *out;
  nrt_tensor_set_t *in_set, *out_set;
  int efd;        /* nrta mode: signalled when the slot's request completes */
  nrta_seq_t seq; /* nrta mode */
  NRT_STATUS ret; /* nrta mode */
  int pending;    /* nrta mode: a request on this slot has not been waited for */
} slot_t;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Host work: spins for `us` microseconds (CPU work, not a sleep, like real pre-processing). */
static void host_work(double us) {
  double end = now_s() + us * 1e-6;
  while (now_s() < end) {
  }
}

static void check(NRT_STATUS s, const char *what) {
  if (s != NRT_SUCCESS) {
    fprintf(stderr, "bench_legacy_pipeline: %s failed: %s\n", what, nrt_get_status_as_str(s));
    exit(1);
  }
}

static void input_of(int request, float *x) {
  for (int k = 0; k < ELEMS; ++k) x[k] = (float)((request * 7 + k) % 13) - 6.0f;
}

/* The model computes relu(x); the output of `request` must be exactly that. */
static void verify(int request, const float *y) {
  float x[ELEMS];
  input_of(request, x);
  for (int k = 0; k < ELEMS; ++k) {
    float want = x[k] > 0 ? x[k] : 0;
    if (y[k] != want) {
      fprintf(stderr, "bench_legacy_pipeline: request %d output[%d] = %g, expected %g\n", request, k, y[k], want);
      exit(1);
    }
  }
}

static void wait_slot(slot_t *s) {
  if (!s->pending) return;
  uint64_t v;
  while (read(s->efd, &v, sizeof v) < 0) {
    if (errno != EINTR) {
      perror("bench_legacy_pipeline: read(eventfd)");
      exit(1);
    }
  }
  s->pending = 0;
  check(s->ret, "scheduled execution");
}

static void read_output(slot_t *s, int request) {
  float y[ELEMS];
  check(nrt_tensor_read(s->out, y, 0, sizeof y), "nrt_tensor_read");
  verify(request, y);
}

int main(int argc, char **argv) {
  const char *mode = "legacy";
  const char *model_path = NRTB_BENCH_MODEL_DIR "/bench_sleep_1000us.neff";
  int requests = 200, slots = 2;
  double host_us = 1000;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
      mode = argv[++i];
    } else if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc) {
      requests = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--host-us") == 0 && i + 1 < argc) {
      host_us = atof(argv[++i]);
    } else if (strcmp(argv[i], "--slots") == 0 && i + 1 < argc) {
      slots = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model_path = argv[++i];
    } else {
      fprintf(stderr, "usage: %s [--mode legacy|nrta] [--requests R] [--host-us H] [--slots S] [--model F]\n", argv[0]);
      return 2;
    }
  }
  int nrta = strcmp(mode, "nrta") == 0;
  if ((!nrta && strcmp(mode, "legacy") != 0) || requests < 1 || slots < 1 || slots > MAX_SLOTS || host_us < 0 ||
      requests < slots) {
    fprintf(stderr, "bench_legacy_pipeline: bad arguments (mode legacy|nrta, 1 <= slots <= 64 <= requests)\n");
    return 2;
  }

  FILE *f = fopen(model_path, "rb");
  if (f == NULL) {
    fprintf(stderr, "bench_legacy_pipeline: cannot open %s: %s\n", model_path, strerror(errno));
    return 1;
  }
  static char neff[1 << 20];
  size_t neff_size = fread(neff, 1, sizeof neff, f);
  fclose(f);

  check(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""), "nrt_init");
  nrt_model_t *model = NULL;
  check(nrt_load(neff, neff_size, 0, 1, &model), "nrt_load");
  slot_t slot[MAX_SLOTS];
  memset(slot, 0, sizeof slot);
  for (int s = 0; s < slots; ++s) {
    check(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, ELEMS * sizeof(float), "x", &slot[s].in), "allocate");
    check(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, ELEMS * sizeof(float), "y", &slot[s].out), "allocate");
    check(nrt_allocate_tensor_set(&slot[s].in_set), "nrt_allocate_tensor_set");
    check(nrt_allocate_tensor_set(&slot[s].out_set), "nrt_allocate_tensor_set");
    check(nrt_add_tensor_to_tensor_set(slot[s].in_set, "x", slot[s].in), "nrt_add_tensor_to_tensor_set");
    check(nrt_add_tensor_to_tensor_set(slot[s].out_set, "y", slot[s].out), "nrt_add_tensor_to_tensor_set");
    slot[s].efd = -1;
    if (nrta) {
      slot[s].efd = eventfd(0, EFD_CLOEXEC);
      if (slot[s].efd < 0) {
        perror("bench_legacy_pipeline: eventfd");
        return 1;
      }
    }
  }

  double t0 = now_s();
  for (int i = 0; i < requests; ++i) {
    slot_t *s = &slot[i % slots];
    float x[ELEMS];
    host_work(host_us);
    input_of(i, x);
    if (nrta) wait_slot(s); /* the slot's previous request must be done before its input is reused */
    check(nrt_tensor_write(s->in, x, 0, sizeof x), "nrt_tensor_write");
    if (nrta) {
      NRT_STATUS st;
      while ((st = nrta_execute_schedule(model, s->in_set, s->out_set, 0, &s->ret, &s->seq)) == NRT_QUEUE_FULL) {
        /* cannot happen with slots <= queue depth; kept so the loop is correct for any depth */
        for (int k = 0; k < slots; ++k) wait_slot(&slot[k]);
      }
      check(st, "nrta_execute_schedule");
      s->pending = 1;
      check(nrta_event_register_seq_id_completion(s->seq, s->efd), "nrta_event_register_seq_id_completion");
    } else {
      check(nrt_execute(model, s->in_set, s->out_set), "nrt_execute");
    }
    int done = i - slots + 1; /* the oldest request whose output is read now */
    if (done >= 0) {
      slot_t *d = &slot[done % slots];
      if (nrta) wait_slot(d);
      read_output(d, done);
    }
  }
  for (int done = requests - slots + 1; done < requests; ++done) {
    if (done < 0) continue;
    slot_t *d = &slot[done % slots];
    if (nrta) wait_slot(d);
    read_output(d, done);
  }
  double elapsed = now_s() - t0;

  for (int s = 0; s < slots; ++s) {
    nrt_destroy_tensor_set(&slot[s].in_set);
    nrt_destroy_tensor_set(&slot[s].out_set);
    nrt_tensor_free(&slot[s].in);
    nrt_tensor_free(&slot[s].out);
    if (slot[s].efd >= 0) close(slot[s].efd);
  }
  check(nrt_unload(model), "nrt_unload");
  nrt_close();
  printf("mode %s requests %d host_us %.0f slots %d seconds %.4f throughput %.1f req/s\n", mode, requests, host_us,
         slots, elapsed, requests / elapsed);
  return 0;
}
