/* Overlap, proven without timing: an implicit-mode step whose host work leaves a marker file. Run migrated
 * with the compute request held (NRT_SIM_FAULTS hold=PATH), the marker must appear while the request is still
 * in flight: the host work runs during the execution, as it did in implicit mode.
 *   legacy_gate model.neff marker-path */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"

static void host_step(const char *marker) {
  FILE *f = fopen(marker, "w");
  if (f) fclose(f);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
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
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *in = NULL, *out = NULL;
  if (nrt_load(neff, (size_t)size, -1, -1, &model) != NRT_SUCCESS) return 1;
  free(neff);
  if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x) != NRT_SUCCESS ||
      nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y) != NRT_SUCCESS ||
      nrt_allocate_tensor_set(&in) != NRT_SUCCESS || nrt_allocate_tensor_set(&out) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(in, "x", x) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(out, "y", y) != NRT_SUCCESS)
    return 1;
  float v[4] = {1, 2, 3, 4};
  if (nrt_tensor_write(x, v, 0, sizeof v) != NRT_SUCCESS) return 1;
  NRT_STATUS st = nrt_execute(model, in, out);
  host_step(argv[2]);
  if (st != NRT_SUCCESS) return 1;
  if (nrt_tensor_read(y, v, 0, sizeof v) != NRT_SUCCESS) return 1;
  printf("%g %g %g %g\n", v[0], v[1], v[2], v[3]);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  nrt_unload(model);
  nrt_close();
  return 0;
}
