/* A legacy-style C program built against libnrt only, so its references are nrt_*@NRT_2.0.0 (as in a binary
 * built against the SDK). Run with LD_PRELOAD=libnrt-implicit-async.so by the behaviour tests:
 *   binding_probe binding        versioned (the program's own reference), dlvsym @NRT_2.0.0 and unversioned
 *                                dlsym lookups of nrt_execute all find the shim's definition
 *   binding_probe ctor <neff>    (with shim_ctor_caller preloaded after the shim) the runtime the caller library
 *                                initialised from its constructor runs this program's executions asynchronously
 * Exit 0 on success; otherwise a message on stderr and exit 1. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

static int InShim(const char *what, void *fn) {
  Dl_info info;
  if (fn == NULL || dladdr(fn, &info) == 0 || info.dli_fname == NULL) {
    fprintf(stderr, "probe: %s: not resolved\n", what);
    return 0;
  }
  if (strstr(info.dli_fname, "libnrt-implicit-async") == NULL) {
    fprintf(stderr, "probe: %s binds to %s, not the shim\n", what, info.dli_fname);
    return 0;
  }
  return 1;
}

static int Binding(void) {
  int ok = InShim("nrt_execute (the program's own versioned reference)", (void *)&nrt_execute);
  ok &= InShim("dlvsym(nrt_execute, NRT_2.0.0)", dlvsym(RTLD_DEFAULT, "nrt_execute", "NRT_2.0.0"));
  ok &= InShim("dlsym(nrt_execute) (unversioned)", dlsym(RTLD_DEFAULT, "nrt_execute"));
  ok &= InShim("nrt_tensor_read", (void *)&nrt_tensor_read);
  return ok ? 0 : 1;
}

static unsigned char *ReadFile(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *bytes = n > 0 ? malloc((size_t)n) : NULL;
  if (bytes != NULL && fread(bytes, 1, (size_t)n, f) != (size_t)n) {
    free(bytes);
    bytes = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return bytes;
}

static int Ctor(const char *neff) {
  int (*init_status)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "shim_ctor_caller_init_status");
  int (*callbacks)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "shim_ctor_caller_callbacks");
  int (*failures)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "shim_ctor_caller_failures");
  if (init_status == NULL || callbacks == NULL || failures == NULL) {
    fprintf(stderr, "probe: shim_ctor_caller is not loaded\n");
    return 1;
  }
  if (init_status() != NRT_SUCCESS) {
    fprintf(stderr, "probe: nrt_init from the constructor returned %d\n", init_status());
    return 1;
  }
  size_t size = 0;
  unsigned char *bytes = ReadFile(neff, &size);
  nrt_model_t *model = NULL;
  if (bytes == NULL || nrt_load(bytes, size, 0, -1, &model) != NRT_SUCCESS) {
    fprintf(stderr, "probe: cannot load %s\n", neff);
    return 1;
  }
  free(bytes);
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *in = NULL, *out = NULL;
  float data[64] = {0};
  if (nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, sizeof(data), "x", &x) != NRT_SUCCESS ||
      nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, sizeof(data), "y", &y) != NRT_SUCCESS ||
      nrt_allocate_tensor_set(&in) != NRT_SUCCESS || nrt_allocate_tensor_set(&out) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(in, "x", x) != NRT_SUCCESS ||
      nrt_add_tensor_to_tensor_set(out, "y", y) != NRT_SUCCESS) {
    fprintf(stderr, "probe: cannot set up tensors\n");
    return 1;
  }
  if (nrt_tensor_write(x, data, 0, sizeof(data)) != NRT_SUCCESS) {
    fprintf(stderr, "probe: cannot write the input\n");
    return 1;
  }
  for (int i = 0; i < 3; ++i) {
    if (nrt_execute(model, in, out) != NRT_SUCCESS) {
      fprintf(stderr, "probe: nrt_execute %d failed\n", i);
      return 1;
    }
  }
  nrt_async_drain_queued_execs(0);
  if (callbacks() != 3 || failures() != 0) {
    fprintf(stderr, "probe: %d callbacks (%d wrong), expected 3\n", callbacks(), failures());
    return 1;
  }
  /* async_scale computes y = 2x + 1, and x is all zeros. */
  if (nrt_tensor_read(y, data, 0, sizeof(data)) != NRT_SUCCESS || data[3] != 1.0f) {
    fprintf(stderr, "probe: wrong output %f\n", (double)data[3]);
    return 1;
  }
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  nrt_unload(model);
  nrt_close();
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "binding") == 0) return Binding();
  if (argc >= 3 && strcmp(argv[1], "ctor") == 0) return Ctor(argv[2]);
  fprintf(stderr, "usage: binding_probe binding | ctor <neff>\n");
  return 2;
}
