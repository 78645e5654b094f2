/*
 * legacy-pipeline: the classic implicit-async inference loop. K slots of tensor sets rotate; each
 * iteration reads the result of the execution K iterations back from its slot, does host work, writes
 * the slot's next input and calls nrt_execute. With NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS=N on a
 * runtime (or shim) with implicit mode, nrt_execute returns once the request is queued, and the tensor
 * fences make the read wait for that execution and the write wait until it no longer reads the input:
 * the code is the same as the synchronous version, only faster. It prints a digest of every output.
 *
 *   legacy-pipeline [--iterations N] [--slots K] [--host-us US] [--seed S] [--model file.neff]
 */
#include <stdio.h>
#include <stdlib.h>

#include "legacy_common.h"

int main(int argc, char **argv) {
  legacy_options_t opt;
  legacy_parse_options(argc, argv, &opt);
  LEGACY_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = legacy_load(&opt, 0);
  legacy_slot_t *slots = calloc((size_t)opt.slots, sizeof *slots);
  for (int k = 0; k < opt.slots; ++k) legacy_slot_init(&slots[k], model);

  uint64_t digest = LEGACY_FNV_SEED;
  unsigned rng = 0;
  for (int i = 0; i < opt.iterations + opt.slots; ++i) {
    legacy_slot_t *s = &slots[i % opt.slots];
    /* The result of iteration i - K, in iteration order: nrt_tensor_read waits for its execution. */
    if (i >= opt.slots) legacy_digest_outputs(s, &digest);
    if (i >= opt.iterations) continue;
    legacy_host_work(&opt, &rng);
    /* Overwrites an input the execution of iteration i - K read: nrt_tensor_write waits until it is done. */
    legacy_write_inputs(s, 0, i);
    LEGACY_CHECK(nrt_execute(model, s->in_set, s->out_set));
  }

  for (int k = 0; k < opt.slots; ++k) legacy_slot_free(&slots[k]);
  free(slots);
  LEGACY_CHECK(nrt_unload(model));
  nrt_close();
  legacy_print_digest(digest);
  printf("executions %d\n", opt.iterations);
  return 0;
}
