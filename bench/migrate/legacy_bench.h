/* What the two legacy loops of bench/migrate/overlap.sh (legacy_pipeline.c, legacy_slots.c) share: the sizes,
 * the error check, ~1 ms of host work, the clock and the NEFF file. No legacy runtime call is made here, so
 * nrt-migrate leaves this header as it is and both programs differ only in their loops. */
#ifndef NRTB_BENCH_MIGRATE_LEGACY_BENCH_H_
#define NRTB_BENCH_MIGRATE_LEGACY_BENCH_H_

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nrt/nrt.h"

#define CHECK(call)                                       \
  do {                                                    \
    NRT_STATUS s_ = (call);                               \
    if (s_ != NRT_SUCCESS) {                              \
      fprintf(stderr, "%s failed: %d\n", #call, (int)s_); \
      exit(1);                                            \
    }                                                     \
  } while (0)

enum { kElems = 256 * 256, kIters = 200 };

/* About 1 ms of arithmetic on this machine (the model declares 1 ms of device time). */
static double host_work(int iter, long spins) {
  double acc = iter;
  for (long i = 0; i < spins; ++i) acc = acc * 1.0000001 + (double)(i & 7);
  return acc;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The whole file in a malloc'd buffer (*size bytes); exits with 2 if it cannot be read. */
static void *read_neff(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) exit(2);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = n > 0 ? malloc((size_t)n) : NULL;
  if (!neff || fread(neff, 1, (size_t)n, f) != (size_t)n) exit(2);
  fclose(f);
  *size = (size_t)n;
  return neff;
}

/* stdout: the checksum the runs compare; stderr: the wall time overlap.sh takes the median of. */
static void report(double checksum, double host, double t0, double t1) {
  printf("checksum %.6f (host %.3e)\n", checksum, host);
  fprintf(stderr, "wall %.3f s, %.3f ms per iteration\n", t1 - t0, (t1 - t0) * 1e3 / kIters);
}

#endif /* NRTB_BENCH_MIGRATE_LEGACY_BENCH_H_ */
