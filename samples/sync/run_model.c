/*
 * nrt-run: the synchronous API end to end. Loads a NEFF, prints its I/O signature, fills every
 * input with a deterministic pattern (element i = ((i % 11) - 5) / 4), runs nrt_execute and prints
 * the first values of every output.
 *
 *   nrt-run model.neff [--print N]
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

static const char *dtype_name(nrt_dtype_t t) {
  switch (t) {
    case NRT_DTYPE_FLOAT32:
      return "float32";
    case NRT_DTYPE_FLOAT16:
      return "float16";
    case NRT_DTYPE_BFLOAT16:
      return "bfloat16";
    case NRT_DTYPE_INT32:
      return "int32";
    case NRT_DTYPE_INT8:
      return "int8";
    case NRT_DTYPE_UINT8:
      return "uint8";
    case NRT_DTYPE_INT64:
      return "int64";
    default:
      return "other";
  }
}

static float half_to_float(uint16_t h) {
  int exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  float v = exp == 0    ? ldexpf((float)mant, -24)
            : exp == 31 ? (mant ? NAN : INFINITY)
                        : ldexpf((float)(mant | 0x400), exp - 25);
  return (h & 0x8000) ? -v : v;
}

static uint16_t float_to_half(float f) {
  /* Inputs are small multiples of 1/4, exactly representable: no rounding needed. */
  uint16_t sign = signbit(f) ? 0x8000 : 0;
  f = fabsf(f);
  if (f == 0.0f) return sign;
  int e;
  float m = frexpf(f, &e); /* f = m * 2^e, m in [0.5, 1) */
  return (uint16_t)(sign | ((e + 14) << 10) | ((uint16_t)(m * 2048.0f) & 0x3FF));
}

static float bf16_to_float(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static uint16_t float_to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return (uint16_t)(u >> 16); /* exact for the pattern values */
}

static double element(const void *data, nrt_dtype_t t, size_t i) {
  switch (t) {
    case NRT_DTYPE_FLOAT32:
      return ((const float *)data)[i];
    case NRT_DTYPE_FLOAT16:
      return half_to_float(((const uint16_t *)data)[i]);
    case NRT_DTYPE_BFLOAT16:
      return bf16_to_float(((const uint16_t *)data)[i]);
    case NRT_DTYPE_INT32:
      return ((const int32_t *)data)[i];
    case NRT_DTYPE_INT8:
      return ((const int8_t *)data)[i];
    case NRT_DTYPE_UINT8:
      return ((const uint8_t *)data)[i];
    case NRT_DTYPE_INT64:
      return (double)((const int64_t *)data)[i];
    default:
      return ((const uint8_t *)data)[i];
  }
}

static size_t element_size(nrt_dtype_t t) {
  switch (t) {
    case NRT_DTYPE_FLOAT32:
    case NRT_DTYPE_INT32:
    case NRT_DTYPE_UINT32:
      return 4;
    case NRT_DTYPE_FLOAT16:
    case NRT_DTYPE_BFLOAT16:
    case NRT_DTYPE_INT16:
    case NRT_DTYPE_UINT16:
      return 2;
    case NRT_DTYPE_INT64:
    case NRT_DTYPE_UINT64:
      return 8;
    default:
      return 1;
  }
}

static void fill_pattern(void *data, nrt_dtype_t t, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    float v = (float)((int)(i % 11) - 5) / 4.0f;
    switch (t) {
      case NRT_DTYPE_FLOAT32:
        ((float *)data)[i] = v;
        break;
      case NRT_DTYPE_FLOAT16:
        ((uint16_t *)data)[i] = float_to_half(v);
        break;
      case NRT_DTYPE_BFLOAT16:
        ((uint16_t *)data)[i] = float_to_bf16(v);
        break;
      case NRT_DTYPE_INT32:
        ((int32_t *)data)[i] = (int32_t)(i % 11) - 5;
        break;
      case NRT_DTYPE_INT64:
        ((int64_t *)data)[i] = (int64_t)(i % 11) - 5;
        break;
      case NRT_DTYPE_INT8:
        ((int8_t *)data)[i] = (int8_t)((int)(i % 11) - 5);
        break;
      default:
        ((uint8_t *)data)[i] = (uint8_t)(i % 11);
        break;
    }
  }
}

static void *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "nrt-run: cannot open %s: %s\n", path, strerror(errno));
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *buf = n > 0 ? malloc((size_t)n) : NULL;
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "nrt-run: cannot read %s\n", path);
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return buf;
}

#define CHECK(call)                                                                  \
  do {                                                                               \
    NRT_STATUS s_ = (call);                                                          \
    if (s_ != NRT_SUCCESS) {                                                         \
      fprintf(stderr, "nrt-run: %s failed: %s\n", #call, nrt_get_status_as_str(s_)); \
      return 1;                                                                      \
    }                                                                                \
  } while (0)

int main(int argc, char **argv) {
  size_t print_n = 8;
  if (argc < 2 || strcmp(argv[1], "--help") == 0) {
    fprintf(stderr, "usage: nrt-run model.neff [--print N]\n");
    return argc < 2 ? 2 : 0;
  }
  if (argc == 4 && strcmp(argv[2], "--print") == 0) print_n = (size_t)strtoul(argv[3], NULL, 10);
  size_t neff_size = 0;
  void *neff = read_file(argv[1], &neff_size);
  if (!neff) return 1;

  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = NULL;
  CHECK(nrt_load(neff, neff_size, -1, -1, &model));
  free(neff);
  nrt_tensor_info_array_t *info = NULL;
  CHECK(nrt_get_model_tensor_info(model, &info));
  nrt_tensor_set_t *inputs = NULL, *outputs = NULL;
  CHECK(nrt_allocate_tensor_set(&inputs));
  CHECK(nrt_allocate_tensor_set(&outputs));
  nrt_model_info_t minfo;
  size_t minfo_size = 0;
  CHECK(nrt_get_model_info(model, &minfo, sizeof minfo, &minfo_size));

  printf("%-24s %-6s %-9s %10s  shape\n", "name", "usage", "dtype", "bytes");
  nrt_tensor_t **tensors = calloc(info->tensor_count, sizeof *tensors);
  for (uint64_t i = 0; i < info->tensor_count; ++i) {
    nrt_tensor_info_t *t = &info->tensor_array[i];
    printf("%-24s %-6s %-9s %10zu  [", t->name, t->usage == NRT_TENSOR_USAGE_INPUT ? "input" : "output",
           dtype_name(t->dtype), t->size);
    for (uint32_t d = 0; d < t->ndim; ++d) printf("%s%u", d ? ", " : "", t->shape[d]);
    printf("]\n");
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, (int)minfo.vnc, t->size, t->name, &tensors[i]));
    if (t->usage == NRT_TENSOR_USAGE_INPUT) {
      void *host = malloc(t->size);
      fill_pattern(host, t->dtype, t->size / element_size(t->dtype));
      CHECK(nrt_tensor_write(tensors[i], host, 0, t->size));
      free(host);
      CHECK(nrt_add_tensor_to_tensor_set(inputs, t->name, tensors[i]));
    } else {
      CHECK(nrt_add_tensor_to_tensor_set(outputs, t->name, tensors[i]));
    }
  }

  CHECK(nrt_execute(model, inputs, outputs));

  for (uint64_t i = 0; i < info->tensor_count; ++i) {
    nrt_tensor_info_t *t = &info->tensor_array[i];
    if (t->usage != NRT_TENSOR_USAGE_OUTPUT) continue;
    void *host = malloc(t->size);
    CHECK(nrt_tensor_read(tensors[i], host, 0, t->size));
    size_t count = t->size / element_size(t->dtype);
    printf("output %s:", t->name);
    for (size_t k = 0; k < count && k < print_n; ++k) printf(" %.6g", element(host, t->dtype, k));
    printf(count > print_n ? " ... (%zu values)\n" : "\n", count);
    free(host);
  }

  for (uint64_t i = 0; i < info->tensor_count; ++i) nrt_tensor_free(&tensors[i]);
  free(tensors);
  nrt_destroy_tensor_set(&inputs);
  nrt_destroy_tensor_set(&outputs);
  CHECK(nrt_free_model_tensor_info(info));
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
