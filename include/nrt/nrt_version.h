/*
 * nrt-bridge — runtime version query (nrt_version.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nrt_version.h. Unlike the SDK's, this
 * header is self-contained.
 */
#ifndef NRT_NRT_VERSION_H
#define NRT_NRT_VERSION_H

#include <stddef.h>
#include <stdint.h>

#include "nrt/nrt_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RT_VERSION_DETAIL_LEN 128
#define GIT_HASH_LEN 64

/* Runtime library version. 224 bytes. */
typedef struct nrt_version {
  uint64_t rt_major;
  uint64_t rt_minor;
  uint64_t rt_patch;
  uint64_t rt_maintenance;
  char rt_detail[RT_VERSION_DETAIL_LEN]; /* NUL-terminated free text */
  char git_hash[GIT_HASH_LEN];           /* NUL-terminated */
} nrt_version_t;

/* Copy the first min(size, sizeof(nrt_version_t)) bytes of the runtime's version to *ver; pass
 * size = sizeof(nrt_version_t). Callable before nrt_init. NRT_SUCCESS; NRT_INVALID (NULL ver). */
NRT_STATUS nrt_get_version(nrt_version_t *ver, size_t size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRT_NRT_VERSION_H */
