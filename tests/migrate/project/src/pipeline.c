#include <stdio.h>
#include <stdlib.h>

#include "pipeline.h"

int pipeline_open(pipeline_t *p, const char *neff_path) {
  FILE *f = fopen(neff_path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc((size_t)size);
  size_t got = fread(neff, 1, (size_t)size, f);
  fclose(f);
  if (got != (size_t)size || nrt_load(neff, (size_t)size, -1, -1, &p->model) != NRT_SUCCESS) {
    free(neff);
    return -1;
  }
  free(neff);
  if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &p->x) != NRT_SUCCESS ||
      nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &p->y) != NRT_SUCCESS ||
      nrt_allocate_tensor_set(&p->in) != NRT_SUCCESS || nrt_allocate_tensor_set(&p->out) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(p->in, "x", p->x) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(p->out, "y", p->y) != NRT_SUCCESS)
    return -1;
  /* A warm-up run: its status is the pipeline's health check. */
  return pipeline_step(p) == NRT_SUCCESS ? 0 : -1;
}

void pipeline_close(pipeline_t *p) {
  nrt_destroy_tensor_set(&p->in);
  nrt_destroy_tensor_set(&p->out);
  nrt_tensor_free(&p->x);
  nrt_tensor_free(&p->y);
  nrt_unload(p->model);
}
