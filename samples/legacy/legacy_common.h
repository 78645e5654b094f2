/*
 * What every legacy sample shares: options, loading the model, one set of tensors per slot, the
 * deterministic inputs, the digest of the outputs and the host work between calls. Legacy code of the
 * implicit-async era, C11 and the public headers only.
 */
#ifndef NRTB_SAMPLES_LEGACY_COMMON_H
#define NRTB_SAMPLES_LEGACY_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
#include "nrt/nrt_status.h"

#define LEGACY_CHECK(call)                                                                             \
  do {                                                                                                 \
    NRT_STATUS s_ = (call);                                                                            \
    if (s_ != NRT_SUCCESS) {                                                                           \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, nrt_get_status_as_str(s_)); \
      exit(1);                                                                                         \
    }                                                                                                  \
  } while (0)

typedef struct {
  const char *model_path; /* --model (default: legacy_block.neff, built beside the samples) */
  int iterations;         /* --iterations: executions per thread */
  int slots;              /* --slots: tensor sets rotated (K) */
  int threads;            /* --threads (the multithreaded sample) */
  int cores;              /* --cores: logical cores the model is loaded on (the multithreaded sample) */
  int host_us;            /* --host-us: host work per iteration, up to this many microseconds */
  unsigned seed;          /* --seed: randomises the host work (0 = always host_us) */
} legacy_options_t;

/* Parses the common options; exits 2 with a usage line on anything else. */
void legacy_parse_options(int argc, char **argv, legacy_options_t *opt);

/* The NEFF file's bytes (exits 1 if it cannot be read). */
void *legacy_read_file(const char *path, size_t *size);

/* Loads the model on `vnc` (exits 1 on failure). */
nrt_model_t *legacy_load(const legacy_options_t *opt, int vnc);

/* One slot: a tensor per model input and output (device-placed on the model's core), in two sets. */
typedef struct {
  int n_in, n_out;
  nrt_tensor_t **in, **out;
  size_t *in_size, *out_size;
  nrt_tensor_set_t *in_set, *out_set;
  void *host_in, *host_out; /* staging buffers of the largest input/output */
} legacy_slot_t;

void legacy_slot_init(legacy_slot_t *s, nrt_model_t *model);
void legacy_slot_free(legacy_slot_t *s);

/* Writes the inputs of iteration `iter` of stream `stream` (float32 inputs: a function of both; other
 * dtypes: a byte pattern) with nrt_tensor_write. */
void legacy_write_inputs(legacy_slot_t *s, int stream, int iter);

/* 64-bit FNV-1a, continued from `h` (start with LEGACY_FNV_SEED). */
#define LEGACY_FNV_SEED 0xcbf29ce484222325ull
uint64_t legacy_fnv1a(uint64_t h, const void *data, size_t len);

/* Reads every output of the slot with nrt_tensor_read and folds it into *digest. */
void legacy_digest_outputs(legacy_slot_t *s, uint64_t *digest);
/* The same, returning the first failed read's status (printed to stderr) instead of exiting. */
NRT_STATUS legacy_try_digest_outputs(legacy_slot_t *s, uint64_t *digest);

/* The host's own work between two calls: a busy computation for up to opt->host_us (randomised by the seed
 * and `salt`, so every thread and iteration gets its own reproducible amount). */
void legacy_host_work(const legacy_options_t *opt, unsigned *rng_state);

/* The in-flight limit the program was started with (what legacy code read to know its mode): 0 = sync. */
int legacy_inflight_env(void);

/* Prints the result lines the tests compare: "digest <16 hex digits>" then a summary line. */
void legacy_print_digest(uint64_t digest);

#endif
