/* The project's pipeline: one model, one input and one output tensor. */
#ifndef PIPELINE_H
#define PIPELINE_H

#include "nrt/nrt.h"

typedef struct {
  nrt_model_t *model;
  nrt_tensor_t *x, *y;
  nrt_tensor_set_t *in, *out;
} pipeline_t;

int pipeline_open(pipeline_t *p, const char *neff_path);
void pipeline_close(pipeline_t *p);

/* One step, synchronously: every caller may read the output at once. */
static inline NRT_STATUS pipeline_step(pipeline_t *p) { return nrt_execute(p->model, p->in, p->out); }

#endif
