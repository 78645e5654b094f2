/*
 * legacy-drain: batches with nrt_async_drain_queued_execs. Each batch queues one execution per slot, then
 * drains the core and reads every output: the legacy way to wait for "everything so far". Synchronous
 * runtimes return from the drain at once (nothing is queued). Prints a digest of every output.
 *
 *   legacy-drain [--iterations N] [--slots K] [--host-us US] [--seed S] [--model file.neff]
 */
#include <stdio.h>
#include <stdlib.h>

#include "legacy_common.h"

int main(int argc, char **argv) {
  legacy_options_t opt;
  legacy_parse_options(argc, argv, &opt);
  LEGACY_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = legacy_load(&opt, 0);
  nrt_model_info_t info;
  LEGACY_CHECK(nrt_get_model_info(model, &info, sizeof info, NULL));
  legacy_slot_t *slots = calloc((size_t)opt.slots, sizeof *slots);
  for (int k = 0; k < opt.slots; ++k) legacy_slot_init(&slots[k], model);

  uint64_t digest = LEGACY_FNV_SEED;
  unsigned rng = 0;
  int batches = 0;
  for (int first = 0; first < opt.iterations; first += opt.slots) {
    const int n = opt.iterations - first < opt.slots ? opt.iterations - first : opt.slots;
    for (int k = 0; k < n; ++k) {
      legacy_host_work(&opt, &rng);
      legacy_write_inputs(&slots[k], 0, first + k);
      LEGACY_CHECK(nrt_execute(model, slots[k].in_set, slots[k].out_set));
    }
    LEGACY_CHECK(nrt_async_drain_queued_execs((int32_t)info.vnc));
    for (int k = 0; k < n; ++k) legacy_digest_outputs(&slots[k], &digest);
    batches++;
  }

  for (int k = 0; k < opt.slots; ++k) legacy_slot_free(&slots[k]);
  free(slots);
  LEGACY_CHECK(nrt_unload(model));
  nrt_close();
  legacy_print_digest(digest);
  printf("executions %d batches %d\n", opt.iterations, batches);
  return 0;
}
