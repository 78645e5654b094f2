/* Implicit mode set only by scripts/run.sh: slots rotate, reads happen in another file, a per-call wrapper
 * releases its tensor sets right after nrt_execute, an output is copied and cleared while requests may be in
 * flight, and a completion count is waited for. */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "slots.h"
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

#define CHECK(call)                               \
  do {                                            \
    if ((call) != NRT_SUCCESS) {                  \
      fprintf(stderr, "failed: %s\n", #call);     \
      exit(1);                                    \
    }                                             \
  } while (0)

enum { kSlots = 3, kIters = 9 };

int main(int argc, char **argv) {
  if (argc < 2) return 2;
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
  slot_t slots[kSlots];
  for (int k = 0; k < kSlots; ++k)
    if (!slot_init(&slots[k])) return 1;
  for (int i = 0; i < kIters + kSlots; ++i) {
    slot_t *s = &slots[i % kSlots];
    if (i >= kSlots && !slot_print(s)) return 1;
    if (i >= kIters) continue;
    float v[4] = {(float)i, (float)(2 * i), (float)(-i), 0.5f};
    CHECK(nrtm_inflight_tensor_write(s->x, v, 0, sizeof v));
    CHECK(nrtm_inflight_execute(model, s->in, s->out));
  }
  /* The wrapper form, then a copy of its output and a clear of its input. */
  slot_t extra;
  if (!slot_init(&extra)) return 1;
  CHECK(nrt_tensor_reset_output_completion(extra.y));
  float v[4] = {7, 8, 9, 10};
  CHECK(nrtm_inflight_tensor_write(extra.x, v, 0, sizeof v));
  CHECK(run_once(model, extra.x, extra.y));
  CHECK(nrtm_inflight_check_output_completion(extra.y, 60 * 1000 * 1000, 1));
  CHECK(nrtm_inflight_tensor_copy(extra.y, 0, slots[0].y, 0, sizeof v));
  CHECK(nrtm_inflight_tensor_memset(extra.x, 0, 0, sizeof v));
  if (!slot_print(&slots[0])) return 1;
  CHECK(nrtm_inflight_drain(0));
  slot_free(&extra);
  for (int k = 0; k < kSlots; ++k) slot_free(&slots[k]);
  CHECK(nrtm_inflight_unload(model));
  nrtm_inflight_close();
  return 0;
}
