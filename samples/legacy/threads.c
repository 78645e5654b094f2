/*
 * legacy-threads: the pipelined loop of legacy-pipeline on several threads at once. The model is loaded
 * on C logical cores; thread t runs its own K slots against the copy on core t % C, so threads share cores
 * (and the in-flight limit of each core) as real multi-stream servers did. Each thread digests its own
 * outputs; the program prints the digest of the thread digests in thread order.
 *
 *   legacy-threads [--threads T] [--cores C] [--iterations N] [--slots K] [--host-us US] [--seed S]
 *                  [--model file.neff]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "legacy_common.h"

typedef struct {
  const legacy_options_t *opt;
  nrt_model_t *model;
  int index;
  uint64_t digest;
} worker_t;

static void *run_worker(void *arg) {
  worker_t *w = arg;
  const legacy_options_t *opt = w->opt;
  legacy_slot_t *slots = calloc((size_t)opt->slots, sizeof *slots);
  for (int k = 0; k < opt->slots; ++k) legacy_slot_init(&slots[k], w->model);
  uint64_t digest = LEGACY_FNV_SEED;
  unsigned rng = opt->seed != 0 ? opt->seed + (unsigned)w->index * 7919u : 0;
  for (int i = 0; i < opt->iterations + opt->slots; ++i) {
    legacy_slot_t *s = &slots[i % opt->slots];
    if (i >= opt->slots) legacy_digest_outputs(s, &digest);
    if (i >= opt->iterations) continue;
    legacy_host_work(opt, &rng);
    legacy_write_inputs(s, w->index, i);
    LEGACY_CHECK(nrt_execute(w->model, s->in_set, s->out_set));
  }
  for (int k = 0; k < opt->slots; ++k) legacy_slot_free(&slots[k]);
  free(slots);
  w->digest = digest;
  return NULL;
}

int main(int argc, char **argv) {
  legacy_options_t opt;
  legacy_parse_options(argc, argv, &opt);
  LEGACY_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t **models = calloc((size_t)opt.cores, sizeof *models);
  for (int c = 0; c < opt.cores; ++c) models[c] = legacy_load(&opt, c);

  worker_t *workers = calloc((size_t)opt.threads, sizeof *workers);
  pthread_t *tids = calloc((size_t)opt.threads, sizeof *tids);
  for (int t = 0; t < opt.threads; ++t) {
    workers[t] = (worker_t){.opt = &opt, .model = models[t % opt.cores], .index = t};
    if (pthread_create(&tids[t], NULL, run_worker, &workers[t]) != 0) {
      fprintf(stderr, "legacy-threads: cannot start thread %d\n", t);
      return 1;
    }
  }
  uint64_t digest = LEGACY_FNV_SEED;
  for (int t = 0; t < opt.threads; ++t) {
    pthread_join(tids[t], NULL);
    digest = legacy_fnv1a(digest, &workers[t].digest, sizeof workers[t].digest);
  }

  for (int c = 0; c < opt.cores; ++c) LEGACY_CHECK(nrt_unload(models[c]));
  free(models);
  free(workers);
  free(tids);
  nrt_close();
  legacy_print_digest(digest);
  printf("executions %d threads %d cores %d\n", opt.iterations * opt.threads, opt.threads, opt.cores);
  return 0;
}
