#include "legacy_common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(const char *prog) {
  fprintf(stderr,
          "usage: %s [--model file.neff] [--iterations N] [--slots K] [--threads T] [--cores C] [--host-us US] "
          "[--seed S]\n",
          prog);
  exit(2);
}

static int parse_int(const char *prog, const char *name, const char *text, int lo, int hi) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi) {
    fprintf(stderr, "%s: %s must be an integer from %d to %d, not '%s'\n", prog, name, lo, hi, text);
    exit(2);
  }
  return (int)v;
}

void legacy_parse_options(int argc, char **argv, legacy_options_t *opt) {
  opt->model_path = NRTB_LEGACY_MODEL;
  opt->iterations = 32;
  opt->slots = 3;
  opt->threads = 4;
  opt->cores = 2;
  opt->host_us = 200;
  opt->seed = 0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (i + 1 >= argc) usage(argv[0]);
    const char *v = argv[++i];
    if (strcmp(a, "--model") == 0)
      opt->model_path = v;
    else if (strcmp(a, "--iterations") == 0)
      opt->iterations = parse_int(argv[0], a, v, 1, 1000000);
    else if (strcmp(a, "--slots") == 0)
      opt->slots = parse_int(argv[0], a, v, 1, 256);
    else if (strcmp(a, "--threads") == 0)
      opt->threads = parse_int(argv[0], a, v, 1, 64);
    else if (strcmp(a, "--cores") == 0)
      opt->cores = parse_int(argv[0], a, v, 1, 64);
    else if (strcmp(a, "--host-us") == 0)
      opt->host_us = parse_int(argv[0], a, v, 0, 10000000);
    else if (strcmp(a, "--seed") == 0)
      opt->seed = (unsigned)parse_int(argv[0], a, v, 0, 2147483647);
    else
      usage(argv[0]);
  }
}

void *legacy_read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *data = n > 0 ? malloc((size_t)n) : NULL;
  if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(f);
  *size = (size_t)n;
  return data;
}

nrt_model_t *legacy_load(const legacy_options_t *opt, int vnc) {
  size_t size = 0;
  void *neff = legacy_read_file(opt->model_path, &size);
  nrt_model_t *model = NULL;
  LEGACY_CHECK(nrt_load(neff, size, vnc, -1, &model));
  free(neff);
  return model;
}

void legacy_slot_init(legacy_slot_t *s, nrt_model_t *model) {
  memset(s, 0, sizeof *s);
  nrt_model_info_t info;
  LEGACY_CHECK(nrt_get_model_info(model, &info, sizeof info, NULL));
  nrt_tensor_info_array_t *io = NULL;
  LEGACY_CHECK(nrt_get_model_tensor_info(model, &io));
  s->in = calloc(io->tensor_count, sizeof *s->in);
  s->out = calloc(io->tensor_count, sizeof *s->out);
  s->in_size = calloc(io->tensor_count, sizeof *s->in_size);
  s->out_size = calloc(io->tensor_count, sizeof *s->out_size);
  LEGACY_CHECK(nrt_allocate_tensor_set(&s->in_set));
  LEGACY_CHECK(nrt_allocate_tensor_set(&s->out_set));
  size_t max_in = 1, max_out = 1;
  for (uint64_t i = 0; i < io->tensor_count; ++i) {
    const nrt_tensor_info_t *t = &io->tensor_array[i];
    const int is_in = t->usage == NRT_TENSOR_USAGE_INPUT;
    nrt_tensor_t *tensor = NULL;
    /* Implicit async mode needs device-placed tensors (host-placed ones are rejected). */
    LEGACY_CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, (int)info.vnc, t->size, t->name, &tensor));
    LEGACY_CHECK(nrt_add_tensor_to_tensor_set(is_in ? s->in_set : s->out_set, t->name, tensor));
    if (is_in) {
      s->in_size[s->n_in] = t->size;
      s->in[s->n_in++] = tensor;
      if (t->size > max_in) max_in = t->size;
    } else {
      s->out_size[s->n_out] = t->size;
      s->out[s->n_out++] = tensor;
      if (t->size > max_out) max_out = t->size;
    }
  }
  LEGACY_CHECK(nrt_free_model_tensor_info(io));
  s->host_in = malloc(max_in);
  s->host_out = malloc(max_out);
  if (s->host_in == NULL || s->host_out == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
}

void legacy_slot_free(legacy_slot_t *s) {
  for (int i = 0; i < s->n_in; ++i) nrt_tensor_free(&s->in[i]);
  for (int i = 0; i < s->n_out; ++i) nrt_tensor_free(&s->out[i]);
  nrt_destroy_tensor_set(&s->in_set);
  nrt_destroy_tensor_set(&s->out_set);
  free(s->in);
  free(s->out);
  free(s->in_size);
  free(s->out_size);
  free(s->host_in);
  free(s->host_out);
}

void legacy_write_inputs(legacy_slot_t *s, int stream, int iter) {
  for (int i = 0; i < s->n_in; ++i) {
    /* Float32 inputs get values in (-3, 3); the model's dtype is not needed: the same bytes on every run
     * is all the digest comparison asks for, and finite floats keep the outputs meaningful. */
    float *x = s->host_in;
    const size_t n = s->in_size[i] / sizeof(float);
    for (size_t j = 0; j < n; ++j) x[j] = 3.0f * sinf(0.37f * (float)stream + 0.1f * (float)iter + 0.001f * (float)j);
    memset((char *)s->host_in + n * sizeof(float), 0x5a, s->in_size[i] - n * sizeof(float));
    LEGACY_CHECK(nrt_tensor_write(s->in[i], s->host_in, 0, s->in_size[i]));
  }
}

uint64_t legacy_fnv1a(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

void legacy_digest_outputs(legacy_slot_t *s, uint64_t *digest) {
  for (int i = 0; i < s->n_out; ++i) {
    LEGACY_CHECK(nrt_tensor_read(s->out[i], s->host_out, 0, s->out_size[i]));
    *digest = legacy_fnv1a(*digest, s->host_out, s->out_size[i]);
  }
}

NRT_STATUS legacy_try_digest_outputs(legacy_slot_t *s, uint64_t *digest) {
  for (int i = 0; i < s->n_out; ++i) {
    NRT_STATUS st = nrt_tensor_read(s->out[i], s->host_out, 0, s->out_size[i]);
    if (st != NRT_SUCCESS) {
      fprintf(stderr, "nrt_tensor_read of output %d returned %s\n", i, nrt_get_status_as_str(st));
      return st;
    }
    *digest = legacy_fnv1a(*digest, s->host_out, s->out_size[i]);
  }
  return NRT_SUCCESS;
}

/* Where the host work's result goes, so the compiler cannot drop the work (per thread: threads.c runs it on many). */
static _Thread_local volatile double g_host_work_sink;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

void legacy_host_work(const legacy_options_t *opt, unsigned *rng_state) {
  if (opt->host_us <= 0) return;
  int us = opt->host_us;
  if (opt->seed != 0) {
    /* xorshift32: reproducible per seed, independent of libc's rand state. */
    unsigned x = *rng_state != 0 ? *rng_state : opt->seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *rng_state = x;
    us = (int)(x % (unsigned)(opt->host_us + 1));
  }
  /* Busy work, as a real pre/post-processing step would be: the host is not idle while the device runs. */
  const double end = now_us() + us;
  double sink = 0;
  while (now_us() < end) {
    for (int i = 0; i < 64; ++i) sink += sqrt((double)i);
  }
  g_host_work_sink = sink;
}

int legacy_inflight_env(void) {
  const char *v = getenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS");
  return v != NULL ? atoi(v) : 0;
}

void legacy_print_digest(uint64_t digest) { printf("digest %016llx\n", (unsigned long long)digest); }
