/* Formatting of touched lines: this case brings a .clang-format (LLVM, 4-space indent, 80 columns) and the
 * edited lines take it, while the lines the tool does not touch keep their own (odd) layout. Runs
 * add_one.neff (y = x + 1). */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"

static nrt_model_t *model;
static nrt_tensor_set_t *inputs, *outputs;
static nrt_tensor_t *x, *y;

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

/* Untouched: keeps its layout. */
static int   odd_layout( int a ){ return a+1; }

static NRT_STATUS run_once(void) { return nrt_execute(model, inputs, outputs); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  size_t size = 0;
  void *neff = slurp(argv[1], &size);
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 1;
  if (nrt_load(neff, size, -1, -1, &model) != NRT_SUCCESS) return 1;
  free(neff);
  nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x);
  nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y);
  nrt_allocate_tensor_set(&inputs);
  nrt_allocate_tensor_set(&outputs);
  nrt_add_tensor_to_tensor_set(inputs, "x", x);
  nrt_add_tensor_to_tensor_set(outputs, "y", y);
  float in[4] = {1, 2, 3, (float)odd_layout(3)}, out[4];
  nrt_tensor_write(x, in, 0, sizeof in);
  if (nrt_execute(model, inputs, outputs) != NRT_SUCCESS) return 1;
  NRT_STATUS st = run_once();
  nrt_tensor_read(y, out, 0, sizeof out);
  printf("%d: %g %g %g %g\n", (int)st, out[0], out[1], out[2], out[3]);
  nrt_unload(model);
  nrt_close();
  return 0;
}
