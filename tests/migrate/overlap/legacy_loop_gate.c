/* Cross-iteration overlap, proven without timing: an implicit-mode loop (the variable set in code) rotating two
 * slots. Each iteration reads the result its slot got two iterations back, does host work (which leaves the
 * marker file of that iteration), writes the slot's next input and calls nrt_execute. Run migrated with the first
 * execution held in flight (NRT_SIM_FAULTS nth=1,hold=PATH), the marker of iteration 1 must appear while it is
 * still held: the next iteration's host work runs while the previous request executes. An exact or deferred
 * wait inside the loop body would block in iteration 0 until the hold is released.
 *   legacy_loop_gate model.neff marker-prefix */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"

enum { kSlots = 2, kIters = 6 };

typedef struct {
  nrt_tensor_t *x, *y;
  nrt_tensor_set_t *in, *out;
} slot_t;

static void host_step(const char *prefix, int iter) {
  char path[512];
  snprintf(path, sizeof path, "%s.%d", prefix, iter);
  FILE *f = fopen(path, "w");
  if (f) fclose(f);
}

static int slot_init(slot_t *s) {
  return nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &s->x) == NRT_SUCCESS &&
         nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &s->y) == NRT_SUCCESS &&
         nrt_allocate_tensor_set(&s->in) == NRT_SUCCESS && nrt_allocate_tensor_set(&s->out) == NRT_SUCCESS &&
         nrt_add_tensor_to_tensor_set(s->in, "x", s->x) == NRT_SUCCESS &&
         nrt_add_tensor_to_tensor_set(s->out, "y", s->y) == NRT_SUCCESS;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "2", 1);
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc((size_t)size);
  if (fread(neff, 1, (size_t)size, f) != (size_t)size) return 2;
  fclose(f);
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 1;
  nrt_model_t *model = NULL;
  if (nrt_load(neff, (size_t)size, -1, -1, &model) != NRT_SUCCESS) return 1;
  free(neff);
  slot_t slots[kSlots];
  for (int k = 0; k < kSlots; ++k)
    if (!slot_init(&slots[k])) return 1;
  for (int i = 0; i < kIters + kSlots; ++i) {
    slot_t *s = &slots[i % kSlots];
    float v[4];
    if (i >= kSlots) {
      if (nrt_tensor_read(s->y, v, 0, sizeof v) != NRT_SUCCESS) return 1;
      printf("%g %g %g %g\n", v[0], v[1], v[2], v[3]);
    }
    if (i >= kIters) continue;
    host_step(argv[2], i);
    for (int e = 0; e < 4; ++e) v[e] = (float)(10 * i + e);
    if (nrt_tensor_write(s->x, v, 0, sizeof v) != NRT_SUCCESS) return 1;
    if (nrt_execute(model, s->in, s->out) != NRT_SUCCESS) return 1;
  }
  for (int k = 0; k < kSlots; ++k) {
    nrt_destroy_tensor_set(&slots[k].in);
    nrt_destroy_tensor_set(&slots[k].out);
    nrt_tensor_free(&slots[k].x);
    nrt_tensor_free(&slots[k].y);
  }
  nrt_unload(model);
  nrt_close();
  return 0;
}
