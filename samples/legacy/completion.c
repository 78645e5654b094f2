/*
 * legacy-completion: output-completion counters. Every output tensor counts the executions that wrote it;
 * after queueing round r on every slot the program waits with nrt_tensor_check_output_completion for count
 * r + 1 on each output before reading it (the counters also advance in synchronous mode, where the wait
 * is satisfied at once). The counters start from nrt_tensor_reset_output_completion. Prints a digest.
 *
 *   legacy-completion [--iterations N] [--slots K] [--host-us US] [--seed S] [--model file.neff]
 */
#include <stdio.h>
#include <stdlib.h>

#include "legacy_common.h"

/* Generous: the wait is for a completion that is on its way, not a timing check. */
static const int64_t kWaitUs = 60 * 1000 * 1000;

int main(int argc, char **argv) {
  legacy_options_t opt;
  legacy_parse_options(argc, argv, &opt);
  LEGACY_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = legacy_load(&opt, 0);
  legacy_slot_t *slots = calloc((size_t)opt.slots, sizeof *slots);
  for (int k = 0; k < opt.slots; ++k) {
    legacy_slot_init(&slots[k], model);
    for (int o = 0; o < slots[k].n_out; ++o) LEGACY_CHECK(nrt_tensor_reset_output_completion(slots[k].out[o]));
  }

  uint64_t digest = LEGACY_FNV_SEED;
  unsigned rng = 0;
  int rounds = 0;
  for (int first = 0; first < opt.iterations; first += opt.slots, ++rounds) {
    const int n = opt.iterations - first < opt.slots ? opt.iterations - first : opt.slots;
    for (int k = 0; k < n; ++k) {
      legacy_host_work(&opt, &rng);
      legacy_write_inputs(&slots[k], 0, first + k);
      LEGACY_CHECK(nrt_execute(model, slots[k].in_set, slots[k].out_set));
    }
    for (int k = 0; k < n; ++k) {
      for (int o = 0; o < slots[k].n_out; ++o) {
        NRT_STATUS st = nrt_tensor_check_output_completion(slots[k].out[o], kWaitUs, (uint64_t)rounds + 1);
        if (st != NRT_SUCCESS) {
          fprintf(stderr, "output %d of slot %d: completion %d not reached: %s\n", o, k, rounds + 1,
                  nrt_get_status_as_str(st));
          return 1;
        }
      }
      legacy_digest_outputs(&slots[k], &digest);
    }
  }

  for (int k = 0; k < opt.slots; ++k) legacy_slot_free(&slots[k]);
  free(slots);
  LEGACY_CHECK(nrt_unload(model));
  nrt_close();
  legacy_print_digest(digest);
  printf("executions %d rounds %d\n", opt.iterations, rounds);
  return 0;
}
