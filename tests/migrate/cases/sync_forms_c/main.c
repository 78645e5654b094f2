/* Synchronous nrt_execute in every expression context: macro argument, initializer, condition, return,
 * loop condition, nrt_execute_repeat(..., 1) and a function pointer. Runs add_one.neff (y = x + 1). */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

#define CHECK(call)                                                       \
  do {                                                                    \
    NRT_STATUS s_ = (call);                                               \
    if (s_ != NRT_SUCCESS) {                                              \
      fprintf(stderr, "%s failed: %s\n", #call, nrt_get_status_as_str(s_)); \
      exit(1);                                                            \
    }                                                                     \
  } while (0)

typedef NRT_STATUS (*exec_fn)(nrt_model_t *, const nrt_tensor_set_t *, nrt_tensor_set_t *);

static nrt_model_t *model;
static nrt_tensor_set_t *inputs, *outputs;
static nrt_tensor_t *x, *y;

static NRT_STATUS run_once(void) { return nrt_execute(model, inputs, outputs); }

static void *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *buf = malloc((size_t)n);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  *size = (size_t)n;
  return buf;
}

static void show(const char *what) {
  float out[4];
  CHECK(nrt_tensor_read(y, out, 0, sizeof out));
  printf("%s: %g %g %g %g\n", what, out[0], out[1], out[2], out[3]);
}

static void set_input(float base) {
  float in[4] = {base, base + 1, base * 2, -base};
  CHECK(nrt_tensor_write(x, in, 0, sizeof in));
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  size_t size = 0;
  void *neff = slurp(argv[1], &size);
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  CHECK(nrt_load(neff, size, -1, -1, &model));
  free(neff);
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&inputs));
  CHECK(nrt_allocate_tensor_set(&outputs));
  CHECK(nrt_add_tensor_to_tensor_set(inputs, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(outputs, "y", y));

  set_input(1);
  CHECK(nrt_execute(model, inputs, outputs));
  show("macro argument");

  set_input(2);
  NRT_STATUS st = nrt_execute(model, inputs, outputs);
  show("initializer");
  if (st != NRT_SUCCESS) return 1;

  set_input(3);
  if (nrt_execute(model, inputs, outputs) != NRT_SUCCESS) return 1;
  show("condition");

  set_input(4);
  CHECK(run_once());
  show("return");

  int rounds = 0;
  set_input(5);
  while (nrt_execute(model, inputs, outputs) == NRT_SUCCESS && ++rounds < 3) {
  }
  show("loop condition");

  set_input(6);
  CHECK(nrt_execute_repeat(model, inputs, outputs, 1));
  show("repeat 1");

  exec_fn fn = nrt_execute;
  set_input(7);
  CHECK(fn(model, inputs, outputs));
  show("function pointer");

  /* An execution whose input set is not a model's: its own error status comes back. */
  nrt_tensor_set_t *empty = NULL;
  CHECK(nrt_allocate_tensor_set(&empty));
  st = nrt_execute(model, empty, outputs);
  printf("bad set: %s\n", nrt_get_status_as_str(st));
  nrt_destroy_tensor_set(&empty);

  nrt_destroy_tensor_set(&inputs);
  nrt_destroy_tensor_set(&outputs);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
