/* Slot rotation across files: the executions are queued in main.c, the outputs read here. */
#ifndef SLOTS_H
#define SLOTS_H

#include "nrt/nrt.h"

typedef struct {
  nrt_tensor_t *x, *y;
  nrt_tensor_set_t *in, *out;
} slot_t;

int slot_init(slot_t *s);
void slot_free(slot_t *s);
/* Prints the slot's output: in implicit mode this read waited for the execution that writes y. */
int slot_print(const slot_t *s);
/* A wrapper that builds its tensor sets per call and destroys them as soon as nrt_execute returns. */
NRT_STATUS run_once(nrt_model_t *model, nrt_tensor_t *x, nrt_tensor_t *y);

#endif
