/*
 * legacy-callbacks: completion counting with nrt_register_async_exec_callback. The callback counts
 * executions by status and checks that job ids increase per core (each execution reported exactly once, in
 * order). Failed executions are reported wherever they surface: as nrt_execute's return (synchronous mode,
 * or an error the runtime found before queueing) or in the callback (implicit async mode). Synchronous
 * runtimes accept the callback and never call it, so the count is 0 there, or one per execution.
 * Exits 0 only if every execution succeeded and the callback count is consistent.
 *
 *   legacy-callbacks [--iterations N] [--slots K] [--host-us US] [--seed S] [--model file.neff]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "legacy_common.h"

enum { MAX_VNC = 64 };

typedef struct {
  pthread_mutex_t mu;
  long calls, failed, order_errors, bad_params;
  uint64_t last_job[MAX_VNC];
  int seen[MAX_VNC];
} counts_t;

static counts_t g_counts = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void on_complete(void *params, uint32_t model_id, uint32_t vnc, uint64_t job_id, NRT_STATUS status) {
  counts_t *c = params;
  (void)model_id;
  if (c != &g_counts) {
    /* params must come back as registered: nothing else to count into. */
    __atomic_add_fetch(&g_counts.bad_params, 1, __ATOMIC_RELAXED);
    return;
  }
  pthread_mutex_lock(&c->mu);
  c->calls++;
  if (vnc < MAX_VNC) {
    if (c->seen[vnc] && job_id <= c->last_job[vnc]) c->order_errors++;
    c->seen[vnc] = 1;
    c->last_job[vnc] = job_id;
  }
  if (status != NRT_SUCCESS) {
    c->failed++;
    fprintf(stderr, "callback: job %llu on vnc %u completed with %s\n", (unsigned long long)job_id, vnc,
            nrt_get_status_as_str(status));
  }
  pthread_mutex_unlock(&c->mu);
}

int main(int argc, char **argv) {
  legacy_options_t opt;
  legacy_parse_options(argc, argv, &opt);
  /* Registered before nrt_init, as legacy code usually did. */
  LEGACY_CHECK(nrt_register_async_exec_callback(on_complete, &g_counts));
  LEGACY_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = legacy_load(&opt, 0);
  nrt_model_info_t info;
  LEGACY_CHECK(nrt_get_model_info(model, &info, sizeof info, NULL));
  legacy_slot_t *slots = calloc((size_t)opt.slots, sizeof *slots);
  for (int k = 0; k < opt.slots; ++k) legacy_slot_init(&slots[k], model);

  uint64_t digest = LEGACY_FNV_SEED;
  unsigned rng = 0;
  long returned_errors = 0, read_errors = 0;
  for (int i = 0; i < opt.iterations + opt.slots; ++i) {
    legacy_slot_t *s = &slots[i % opt.slots];
    /* Read softly: after a failure the program still reports everything it saw. */
    if (i >= opt.slots && legacy_try_digest_outputs(s, &digest) != NRT_SUCCESS) read_errors++;
    if (i >= opt.iterations) continue;
    legacy_host_work(&opt, &rng);
    legacy_write_inputs(s, 0, i);
    NRT_STATUS st = nrt_execute(model, s->in_set, s->out_set);
    if (st != NRT_SUCCESS) {
      returned_errors++;
      fprintf(stderr, "nrt_execute #%d returned %s\n", i + 1, nrt_get_status_as_str(st));
    }
  }
  /* Every queued execution completes (and is reported) before we count. */
  NRT_STATUS drained = nrt_async_drain_queued_execs((int32_t)info.vnc);
  if (drained != NRT_SUCCESS)
    fprintf(stderr, "nrt_async_drain_queued_execs returned %s\n", nrt_get_status_as_str(drained));

  for (int k = 0; k < opt.slots; ++k) legacy_slot_free(&slots[k]);
  free(slots);
  NRT_STATUS unloaded = nrt_unload(model);
  if (unloaded != NRT_SUCCESS) fprintf(stderr, "nrt_unload returned %s\n", nrt_get_status_as_str(unloaded));
  nrt_close();

  pthread_mutex_lock(&g_counts.mu);
  const long calls = g_counts.calls, failed = g_counts.failed, order = g_counts.order_errors;
  pthread_mutex_unlock(&g_counts.mu);
  const long bad_params = __atomic_load_n(&g_counts.bad_params, __ATOMIC_RELAXED);
  legacy_print_digest(digest);
  printf("executions %d returned-errors %ld callbacks %ld callback-errors %ld order-errors %ld read-errors %ld\n",
         opt.iterations, returned_errors, calls, failed, order, read_errors);
  /* Each execution that was queued is reported once: all of them (async) or none (sync). */
  const long queued = opt.iterations - returned_errors;
  if (calls != 0 && calls != queued) {
    fprintf(stderr, "legacy-callbacks: %ld callbacks for %ld queued executions\n", calls, queued);
    return 1;
  }
  if (order != 0 || bad_params != 0) {
    fprintf(stderr, "legacy-callbacks: %ld job ids out of order, %ld callbacks with foreign params\n", order,
            bad_params);
    return 1;
  }
  return returned_errors == 0 && failed == 0 && read_errors == 0 && drained == NRT_SUCCESS && unloaded == NRT_SUCCESS
             ? 0
             : 1;
}
