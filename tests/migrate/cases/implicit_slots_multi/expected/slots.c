#include "slots.h"

#include <stdio.h>
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

int slot_init(slot_t *s) {
  return nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &s->x) == NRT_SUCCESS &&
         nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &s->y) == NRT_SUCCESS &&
         nrt_allocate_tensor_set(&s->in) == NRT_SUCCESS && nrt_allocate_tensor_set(&s->out) == NRT_SUCCESS &&
         nrt_add_tensor_to_tensor_set(s->in, "x", s->x) == NRT_SUCCESS &&
         nrt_add_tensor_to_tensor_set(s->out, "y", s->y) == NRT_SUCCESS;
}

void slot_free(slot_t *s) {
  nrtm_inflight_destroy_tensor_set(&s->in);
  nrtm_inflight_destroy_tensor_set(&s->out);
  nrtm_inflight_tensor_free(&s->x);
  nrtm_inflight_tensor_free(&s->y);
}

int slot_print(const slot_t *s) {
  /* Through a function pointer, as table-driven code does. */
  NRT_STATUS (*read_fn)(const nrt_tensor_t *, void *, size_t, size_t) = nrtm_inflight_tensor_read;
  float v[4];
  if (read_fn(s->y, v, 0, sizeof v) != NRT_SUCCESS) return 0;
  printf("%g %g %g %g\n", v[0], v[1], v[2], v[3]);
  return 1;
}

NRT_STATUS run_once(nrt_model_t *model, nrt_tensor_t *x, nrt_tensor_t *y) {
  nrt_tensor_set_t *in = NULL, *out = NULL;
  NRT_STATUS st = nrt_allocate_tensor_set(&in);
  if (st == NRT_SUCCESS) st = nrt_allocate_tensor_set(&out);
  if (st == NRT_SUCCESS) st = nrt_add_tensor_to_tensor_set(in, "x", x);
  if (st == NRT_SUCCESS) st = nrt_add_tensor_to_tensor_set(out, "y", y);
  if (st == NRT_SUCCESS) st = nrtm_inflight_execute(model, in, out);
  /* Released at once: the request still uses them, so the migrated code defers this. */
  nrtm_inflight_destroy_tensor_set(&in);
  nrtm_inflight_destroy_tensor_set(&out);
  return st;
}
