/* The C interface between libnrt and libnrt-gloo.so.1, the plugin that carries Gloo.
 *
 * Debian ships Gloo only as a shared library, whose C++ symbols are global. A process that brings
 * its own Gloo (PyTorch links one into libtorch) would have its copy and ours resolve to each other's
 * symbols. So libnrt never links Gloo: it dlopen()s this plugin with RTLD_LOCAL | RTLD_DEEPBIND, which
 * keeps the plugin's and libgloo's symbols out of the global scope and makes them bind to each other
 * first, and talks to it only through this table of C functions.
 *
 * Every call returns kGlooOk or an error code, with a message in err (NUL-terminated, truncated). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define NRTB_GLOO_PLUGIN_ABI 3
#define NRTB_GLOO_PLUGIN_ENTRY "nrtb_gloo_plugin_v1"

enum NrtbGlooResult { kGlooOk = 0, kGlooTimeout = 1, kGlooPeerFailed = 2, kGlooError = 3 };

/* c[i] = a[i] op b[i] for n elements. */
typedef void (*NrtbGlooReduceFn)(void* c, const void* a, const void* b, size_t n);

typedef struct NrtbGlooPlugin {
  uint32_t abi; /* NRTB_GLOO_PLUGIN_ABI */
  /* A group not joined yet: abort() may reach it from here on, while join() waits for the peers. */
  void* (*create)(char* err, size_t err_len);
  /* Joins `group` as `rank` of `size` ranks (TCP on `bind_host`'s interface), meeting the others through the
   * rendezvous store at store_host:store_port under `prefix`. Once it failed, the group is only good for destroy(). */
  int (*join)(void* group, const char* store_host, uint16_t store_port, const char* bind_host, const char* prefix,
              int rank, int size, int64_t timeout_ms, char* err, size_t err_len);
  /* From any thread, at any time before destroy(): shuts the group's connections down (the rendezvous store's
   * while joining, the pairs' TCP sockets after), so that a join or an operation in flight fails at once
   * (kGlooPeerFailed) and the peers see their connections close. Gloo itself cannot interrupt an operation.
   * A join or an operation that fails on the wire (timeout, peer gone) aborts its group the same way. */
  void (*abort)(void* group);
  void (*destroy)(void* group);
  /* Operations of up to 256 KiB (1 MiB when every rank's net.core.wmem_max allows it), and every barrier,
   * run on the calling thread over the group's synchronous connections, and their timeout is the group's (the
   * one it joined with), per read or write; larger ones take timeout_ms. */
  /* In place on buf (elems elements of elem_size bytes: 1, 2, 4 or 8). */
  int (*allreduce)(void* group, void* buf, size_t elems, size_t elem_size, NrtbGlooReduceFn fn, int64_t timeout_ms,
                   char* err, size_t err_len);
  /* out (size * bytes) receives every rank's `bytes` of in, in rank order. */
  int (*allgather)(void* group, const void* in, void* out, size_t bytes, int64_t timeout_ms, char* err, size_t err_len);
  int (*barrier)(void* group, int64_t timeout_ms, char* err, size_t err_len);
  /* Reduce-scatter in place on buf (elems elements of elem_size bytes, rank r's share being the
   * recv_elems[r] elements after those of ranks < r): afterwards this rank's reduced share is at the start of
   * buf. Uses the group's timeout (the one it was connected with). */
  int (*reduce_scatter)(void* group, void* buf, size_t elems, size_t elem_size, const int* recv_elems,
                        NrtbGlooReduceFn fn, char* err, size_t err_len);
} NrtbGlooPlugin;

typedef const NrtbGlooPlugin* (*NrtbGlooPluginEntry)(void);
