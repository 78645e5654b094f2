/*
 * nrtm_inflight.h — added to this project by nrt-migrate (nrt-migrate --explain NRTM1060).
 *
 * Implicit async mode (the legacy in-flight-requests variable, removed in Neuron SDK 2.31) let nrt_execute
 * return once the request was queued; the runtime then fenced tensor reads and writes, ran the completion
 * callback and kept tensors alive until the request was done. The migrated code calls the functions below
 * instead, which keep exactly that on the explicit nrta_* API only:
 *
 *   nrtm_inflight_execute            schedules (NRT_QUEUE_FULL is retried), at most `depth` in flight per core
 *   nrtm_inflight_tensor_read        waits for the pending requests that write the bytes read, then reads
 *   nrtm_inflight_tensor_write/memset/copy   wait for the pending requests that use the bytes written
 *   nrtm_inflight_tensor_read_batch/write_batch   the same for every range of every batch
 *   nrtm_inflight_tensor_free, nrtm_inflight_destroy_tensor_set   release at once, or when the last pending
 *                                    request that uses it completes (never waited for here)
 *   nrtm_inflight_check_output_completion   the runtime's counter, then the request's bookkeeping
 *   nrtm_inflight_register_callback  the callback runs once per request, with its own status and job id, in
 *                                    scheduling order, on the table's completion thread (as the legacy worker)
 *   nrtm_inflight_drain, nrtm_inflight_unload, nrtm_inflight_close   wait for every pending request first
 *
 * One table per process (a weak definition shared by every file that includes this header). Fences compare
 * storage, not handles: a slice (nrt_tensor_allocate_slice), its parent, its sibling slices and tensors attached
 * to the same buffer are fenced against each other by the bytes they share (nrt_tensor_get_va and
 * nrt_tensor_get_size); a tensor without a host-visible address (device memory on real hardware) is treated as
 * sharing storage with every tensor. Calls from the callback itself are not fenced (the wait could be for the
 * callback's own thread) and a drain from the callback fails with NRT_INVALID.
 *
 * fork: a child starts with an empty table (its parent's requests are not its own, and the completion thread
 * does not exist there). What the child can do is the runtime's answer: a child of an initialised runtime gets
 * an error from every runtime call, a child forked before nrt_init or after nrt_close runs a runtime of its own.
 */
#ifndef NRTM_INFLIGHT_H_1
#define NRTM_INFLIGHT_H_1

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_experimental.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The depth when the code sets none: nrt-migrate writes the value the program's scripts or configuration gave
 * the removed variable here, else 3 (what the SDK recommended). Legacy runtimes capped it at 63. */
#ifndef NRTM_INFLIGHT_DEFAULT_DEPTH
#define NRTM_INFLIGHT_DEFAULT_DEPTH 3
#endif
#define NRTM_INFLIGHT_MAX_DEPTH 63
#define NRTM_INFLIGHT_CAPACITY 256 /* pending requests over all cores */
#define NRTM_INFLIGHT_MAX_VNC 128

/* The bytes a tensor (or a range of it) occupies: what two handles must share to need a fence. */
typedef struct nrtm_extent {
  const nrt_tensor_t *tensor;
  uintptr_t begin, end; /* [begin, end) of its storage; begin == 0: no host-visible address, overlaps everything */
} nrtm_extent_t;

typedef struct nrtm_request {
  nrt_model_t *model;
  const nrt_tensor_set_t *input;
  nrt_tensor_set_t *output;
  nrtm_extent_t *uses; /* [0, n_in) read, [n_in, n_in + n_out) written */
  int n_in, n_out;
  NRT_STATUS ret; /* the request's own status slot: valid once it completed */
  nrta_seq_t seq;
  uint64_t job_id;
  uint32_t model_id, vnc;
} nrtm_request_t;

typedef struct nrtm_model_record {
  const nrt_model_t *model;
  uint32_t id, vnc;
  nrt_tensor_info_array_t *io; /* names and usage of its inputs and outputs */
} nrtm_model_record_t;

typedef struct nrtm_deferred {
  void *handle;
  int is_set; /* 1: nrt_tensor_set_t *, 0: nrt_tensor_t * */
} nrtm_deferred_t;

typedef struct nrtm_inflight_table {
  pthread_mutex_t mu;
  pthread_cond_t changed; /* broadcast on every schedule, retirement and release */
  int depth;              /* 0 until set: NRTM_INFLIGHT_DEFAULT_DEPTH */
  nrtm_request_t ring[NRTM_INFLIGHT_CAPACITY];
  unsigned head;
  unsigned count; /* pending requests, oldest first; written with atomic stores so that fences can skip the lock */
  unsigned per_vnc[NRTM_INFLIGHT_MAX_VNC];
  int retiring; /* a request popped whose callback and releases are still running */
  uint64_t next_job_id;
  NRT_ASYNC_EXEC_STATUS_CALLBACK callback;
  void *callback_params;
  nrtm_model_record_t *models;
  int n_models, cap_models;
  uint32_t next_model_id;
  nrtm_deferred_t *deferred;
  int n_deferred, cap_deferred;
  int running, stopping;
  pthread_t thread;
} nrtm_inflight_table_t;

/* Weak: every file that includes this header shares the one table of the process. Zero-initialised, which on
 * Linux (glibc, musl) is what PTHREAD_MUTEX_INITIALIZER and PTHREAD_COND_INITIALIZER spell. */
__attribute__((weak)) nrtm_inflight_table_t nrtm_inflight_table;
__attribute__((weak)) pthread_once_t nrtm_inflight_atfork_once = PTHREAD_ONCE_INIT;

/* ---- internals ---------------------------------------------------------------------------------------- */

static inline int nrtm_inflight_on_retire_thread_(nrtm_inflight_table_t *t) {
  return t->running && pthread_equal(pthread_self(), t->thread);
}

/* Cores past the table's array share its last counter (a tighter bound, never a looser one). */
static inline unsigned nrtm_inflight_vnc_index_(uint32_t vnc) {
  return vnc < NRTM_INFLIGHT_MAX_VNC ? vnc : NRTM_INFLIGHT_MAX_VNC - 1;
}

static inline nrtm_request_t *nrtm_inflight_at_(nrtm_inflight_table_t *t, unsigned i) {
  return &t->ring[(t->head + i) % NRTM_INFLIGHT_CAPACITY];
}

/* The storage of [offset, offset + size) of the tensor (size SIZE_MAX: the whole tensor). The address is only
 * compared, never dereferenced. Without one (NULL: device memory not mapped on real hardware, no buffer
 * attached yet, or a handle the runtime rejects) the extent is unknown and overlaps every other one: waiting
 * for more requests than needed is slower, waiting for fewer would read stale data. */
static inline nrtm_extent_t nrtm_inflight_extent_(const nrt_tensor_t *tensor, size_t offset, size_t size) {
  nrtm_extent_t e = {tensor, 0, 0};
  if (!tensor) return e;
  uintptr_t va = (uintptr_t)nrt_tensor_get_va(tensor);
  if (!va) return e;
  size_t total = nrt_tensor_get_size(tensor);
  if (offset > total) offset = total; /* out of bounds: the runtime rejects the access itself */
  if (size > total - offset) size = total - offset;
  e.begin = va + offset;
  e.end = e.begin + size;
  return e;
}

static inline int nrtm_inflight_overlap_(const nrtm_extent_t *a, const nrtm_extent_t *b) {
  if (a->tensor == b->tensor || !a->begin || !b->begin) return 1;
  return a->begin < b->end && b->begin < a->end;
}

/* Whether a pending request writes (or, with any_use, reads or writes) bytes of the extent. Caller holds mu. */
static inline int nrtm_inflight_pending_overlap_(nrtm_inflight_table_t *t, const nrtm_extent_t *e, int any_use) {
  for (unsigned i = 0; i < t->count; ++i) {
    nrtm_request_t *r = nrtm_inflight_at_(t, i);
    for (int k = any_use ? 0 : r->n_in; k < r->n_in + r->n_out; ++k)
      if (nrtm_inflight_overlap_(&r->uses[k], e)) return 1;
  }
  return 0;
}

/* Whether a pending request was given this very handle. Releases compare handles, not storage: the runtime
 * keeps shared storage alive until the last tensor using it is freed, so only the handle itself must wait.
 * Caller holds mu. */
static inline int nrtm_inflight_pending_use_(nrtm_inflight_table_t *t, const void *tensor) {
  for (unsigned i = 0; i < t->count; ++i) {
    nrtm_request_t *r = nrtm_inflight_at_(t, i);
    for (int k = 0; k < r->n_in + r->n_out; ++k)
      if ((const void *)r->uses[k].tensor == tensor) return 1;
  }
  return 0;
}

static inline int nrtm_inflight_set_pending_(nrtm_inflight_table_t *t, const void *set) {
  for (unsigned i = 0; i < t->count; ++i) {
    nrtm_request_t *r = nrtm_inflight_at_(t, i);
    if ((const void *)r->input == set || (const void *)r->output == set) return 1;
  }
  return 0;
}

/* Blocks until request seq has completed; its status slot is then valid. */
static inline void nrtm_inflight_await_(nrta_seq_t seq, int fd) {
  if (fd >= 0 && nrta_event_register_seq_id_completion(seq, fd) == NRT_SUCCESS) {
    uint64_t n;
    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {
    }
    nrta_event_register_seq_id_completion(seq, -1);
  }
  bool done = false; /* confirms completion (and covers a failed eventfd) before the status is read */
  while (nrta_is_completed(seq, &done) == NRT_SUCCESS && !done) sched_yield();
}

/* Moves the deferred handles no pending request uses any more to out (sets first). Caller holds mu. */
static inline int nrtm_inflight_take_releasable_(nrtm_inflight_table_t *t, nrtm_deferred_t *out, int cap) {
  int n = 0;
  for (int pass = 1; pass >= 0; --pass) {
    for (int i = 0; i < t->n_deferred && n < cap;) {
      nrtm_deferred_t d = t->deferred[i];
      int busy = d.is_set ? nrtm_inflight_set_pending_(t, d.handle) : nrtm_inflight_pending_use_(t, d.handle);
      if (d.is_set == pass && !busy) {
        out[n++] = d;
        t->deferred[i] = t->deferred[--t->n_deferred];
      } else {
        ++i;
      }
    }
  }
  return n;
}

static inline void nrtm_inflight_release_(nrtm_deferred_t *d, int n) {
  for (int i = 0; i < n; ++i) {
    if (d[i].is_set) {
      nrt_tensor_set_t *set = (nrt_tensor_set_t *)d[i].handle;
      nrt_destroy_tensor_set(&set);
    } else {
      nrt_tensor_t *tensor = (nrt_tensor_t *)d[i].handle;
      nrt_tensor_free(&tensor);
    }
  }
}

/* The completion thread: retires requests oldest first, as the legacy per-core worker reported them. */
static inline void *nrtm_inflight_retire_main_(void *arg) {
  nrtm_inflight_table_t *t = (nrtm_inflight_table_t *)arg;
  int fd = eventfd(0, EFD_CLOEXEC);
  pthread_mutex_lock(&t->mu);
  for (;;) {
    while (t->count == 0 && !t->stopping) pthread_cond_wait(&t->changed, &t->mu);
    if (t->count == 0) break;
    nrta_seq_t seq = t->ring[t->head].seq;
    pthread_mutex_unlock(&t->mu);
    nrtm_inflight_await_(seq, fd);
    pthread_mutex_lock(&t->mu);
    nrtm_request_t done = t->ring[t->head];
    t->head = (t->head + 1) % NRTM_INFLIGHT_CAPACITY;
    __atomic_store_n(&t->count, t->count - 1, __ATOMIC_RELEASE); /* after the request completed: see fence_ */
    --t->per_vnc[nrtm_inflight_vnc_index_(done.vnc)];
    ++t->retiring;
    nrtm_deferred_t release[64];
    int n_release = nrtm_inflight_take_releasable_(t, release, 64);
    NRT_ASYNC_EXEC_STATUS_CALLBACK cb = t->callback;
    void *params = t->callback_params;
    pthread_cond_broadcast(&t->changed); /* fences on this request's tensors open now */
    pthread_mutex_unlock(&t->mu);
    if (cb) {
      cb(params, done.model_id, done.vnc, done.job_id, done.ret);
    } else if (done.ret != NRT_SUCCESS) {
      /* What the legacy default callback did: the failure is not lost silently. */
      fprintf(stderr, "nrtm_inflight: job %llu (model %u, core %u) completed with %s\n",
              (unsigned long long)done.job_id, done.model_id, done.vnc, nrt_get_status_as_str(done.ret));
    }
    free(done.uses);
    nrtm_inflight_release_(release, n_release);
    pthread_mutex_lock(&t->mu);
    --t->retiring;
    pthread_cond_broadcast(&t->changed);
  }
  pthread_mutex_unlock(&t->mu);
  if (fd >= 0) close(fd);
  return NULL;
}

/* fork: the table's mutex is held across it (so the child's copy of the table is consistent), and the child
 * empties its copy. The parent's requests, deferred releases and model records are not the child's: the
 * completion thread that would retire them does not exist there, and a drain or a fence would wait for it
 * forever. */
static inline void nrtm_inflight_atfork_prepare_(void) { pthread_mutex_lock(&nrtm_inflight_table.mu); }

static inline void nrtm_inflight_atfork_parent_(void) { pthread_mutex_unlock(&nrtm_inflight_table.mu); }

static inline void nrtm_inflight_atfork_child_(void) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  for (unsigned i = 0; i < t->count; ++i) free(nrtm_inflight_at_(t, i)->uses);
  for (int i = 0; i < t->n_models; ++i) nrt_free_model_tensor_info(t->models[i].io); /* host memory only */
  t->n_models = 0;
  t->n_deferred = 0; /* the parent releases them; in the child they are the runtime's copies to refuse */
  t->head = 0;
  __atomic_store_n(&t->count, 0u, __ATOMIC_RELAXED);
  memset(t->per_vnc, 0, sizeof t->per_vnc);
  t->retiring = 0;
  t->running = 0;
  t->stopping = 0;
  /* The child's one thread is the one that locked mu in prepare, so it unlocks it. The condition variable is
   * made anew: the parent's waiters do not exist here, and a broadcast must not wait for them. */
  pthread_cond_init(&t->changed, NULL);
  pthread_mutex_unlock(&t->mu);
}

static inline void nrtm_inflight_register_atfork_(void) {
  pthread_atfork(nrtm_inflight_atfork_prepare_, nrtm_inflight_atfork_parent_, nrtm_inflight_atfork_child_);
}

/* Every entry point locks through here, so the fork handlers exist before the table holds anything. */
static inline void nrtm_inflight_lock_(nrtm_inflight_table_t *t) {
  pthread_once(&nrtm_inflight_atfork_once, nrtm_inflight_register_atfork_);
  pthread_mutex_lock(&t->mu);
}

/* The model's record (core, id, I/O names), created on first use. Caller holds mu. */
static inline nrtm_model_record_t *nrtm_inflight_model_(nrtm_inflight_table_t *t, nrt_model_t *model,
                                                        NRT_STATUS *status) {
  for (int i = 0; i < t->n_models; ++i)
    if (t->models[i].model == model) return &t->models[i];
  nrt_model_info_t info;
  nrt_tensor_info_array_t *io = NULL;
  if ((*status = nrt_get_model_info(model, &info, sizeof info, NULL)) != NRT_SUCCESS) return NULL;
  if ((*status = nrt_get_model_tensor_info(model, &io)) != NRT_SUCCESS) return NULL;
  if (t->n_models == t->cap_models) {
    int cap = t->cap_models ? 2 * t->cap_models : 8;
    nrtm_model_record_t *m = (nrtm_model_record_t *)realloc(t->models, (size_t)cap * sizeof *m);
    if (!m) {
      nrt_free_model_tensor_info(io);
      *status = NRT_RESOURCE;
      return NULL;
    }
    t->models = m;
    t->cap_models = cap;
  }
  nrtm_model_record_t *r = &t->models[t->n_models++];
  r->model = model;
  r->id = ++t->next_model_id;
  r->vnc = info.vnc;
  r->io = io;
  return r;
}

/* Nothing in flight: the common case of every fenced call, one atomic load instead of the lock and a scan. The
 * acquire pairs with the completion thread's release after it saw the request complete, so the device's writes
 * of every retired request are visible. (A request another thread schedules at this moment races with the
 * access in the legacy program too.) */
static inline int nrtm_inflight_idle_(nrtm_inflight_table_t *t) {
  return __atomic_load_n(&t->count, __ATOMIC_ACQUIRE) == 0;
}

/* The wait of nrtm_inflight_fence_, out of line so that the empty-table path stays a load and a branch (not
 * inline: GCC rejects inline with noinline; unused: a file that never fences must not get a warning). */
static __attribute__((noinline, unused)) void nrtm_inflight_fence_wait_(const nrt_tensor_t *tensor, size_t offset,
                                                                        size_t size, int for_write) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_extent_t e = nrtm_inflight_extent_(tensor, offset, size);
  nrtm_inflight_lock_(t);
  if (!nrtm_inflight_on_retire_thread_(t)) {
    while (nrtm_inflight_pending_overlap_(t, &e, for_write)) pthread_cond_wait(&t->changed, &t->mu);
  }
  pthread_mutex_unlock(&t->mu);
}

/* Waits until no pending request writes (for_write: uses) bytes of [offset, offset + size) of the tensor. */
static inline void nrtm_inflight_fence_(const nrt_tensor_t *tensor, size_t offset, size_t size, int for_write) {
  /* NULL: the runtime answers NRT_INVALID */
  if (!nrtm_inflight_idle_(&nrtm_inflight_table) && tensor) nrtm_inflight_fence_wait_(tensor, offset, size, for_write);
}

/* Releases the handle now, or records it for the completion thread if a pending request uses it. */
static inline void nrtm_inflight_defer_(void *handle, int is_set) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_inflight_lock_(t);
  int busy = is_set ? nrtm_inflight_set_pending_(t, handle) : nrtm_inflight_pending_use_(t, handle);
  if (busy && t->n_deferred == t->cap_deferred) {
    int cap = t->cap_deferred ? 2 * t->cap_deferred : 16;
    nrtm_deferred_t *d = (nrtm_deferred_t *)realloc(t->deferred, (size_t)cap * sizeof *d);
    if (d) {
      t->deferred = d;
      t->cap_deferred = cap;
    } else {
      /* No memory to remember it: wait for its requests instead (correct, only slower). */
      while (is_set ? nrtm_inflight_set_pending_(t, handle) : nrtm_inflight_pending_use_(t, handle))
        pthread_cond_wait(&t->changed, &t->mu);
      busy = 0;
    }
  }
  if (busy) {
    t->deferred[t->n_deferred].handle = handle;
    t->deferred[t->n_deferred++].is_set = is_set;
  }
  pthread_mutex_unlock(&t->mu);
  if (!busy) {
    nrtm_deferred_t now = {handle, is_set};
    nrtm_inflight_release_(&now, 1);
  }
}

/* Waits until nothing matching is pending or retiring: model (NULL: any) on vnc (negative: any). */
static inline void nrtm_inflight_wait_idle_(nrtm_inflight_table_t *t, const nrt_model_t *model, int32_t vnc) {
  for (;;) {
    int busy = t->retiring > 0;
    for (unsigned i = 0; i < t->count && !busy; ++i) {
      nrtm_request_t *r = nrtm_inflight_at_(t, i);
      busy = (!model || r->model == model) && (vnc < 0 || r->vnc == (uint32_t)vnc);
    }
    if (!busy) return;
    pthread_cond_wait(&t->changed, &t->mu);
  }
}

/* ---- what the migrated code calls ----------------------------------------------------------------------- */

/* The in-flight depth per core the program asked for (the removed implicit-mode variable);
 * clamped to [1, 63] as the legacy runtime did. */
static inline void nrtm_inflight_set_depth(int depth) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_inflight_lock_(t);
  t->depth = depth < 1 ? 1 : depth > NRTM_INFLIGHT_MAX_DEPTH ? NRTM_INFLIGHT_MAX_DEPTH : depth;
  pthread_cond_broadcast(&t->changed);
  pthread_mutex_unlock(&t->mu);
}

/* nrt_execute in implicit mode: returns once the request is queued (blocking while `depth` requests of the
 * model's core are in flight); the request's own status goes to the callback. */
static inline NRT_STATUS nrtm_inflight_execute(nrt_model_t *model, const nrt_tensor_set_t *input,
                                               nrt_tensor_set_t *output) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  NRT_STATUS s = NRT_SUCCESS;
  nrtm_inflight_lock_(t);
  nrtm_model_record_t *m = nrtm_inflight_model_(t, model, &s);
  if (!m) {
    pthread_mutex_unlock(&t->mu);
    return s;
  }
  if (!t->running) {
    t->stopping = 0;
    if (pthread_create(&t->thread, NULL, nrtm_inflight_retire_main_, t) != 0) {
      pthread_mutex_unlock(&t->mu);
      return NRT_RESOURCE;
    }
    t->running = 1;
  }
  /* The callback may execute again (legacy allowed it); it is not held to the depth, or it would wait for
   * itself. */
  int own_thread = nrtm_inflight_on_retire_thread_(t);
  unsigned vnc = nrtm_inflight_vnc_index_(m->vnc);
  uint32_t n_io = m->io->tensor_count;
  nrtm_extent_t *uses = (nrtm_extent_t *)calloc(n_io ? n_io : 1, sizeof *uses);
  if (!uses) {
    pthread_mutex_unlock(&t->mu);
    return NRT_RESOURCE;
  }
  int n_in = 0, n_out = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (uint32_t i = 0; i < n_io; ++i) {
      const nrt_tensor_info_t *info = &m->io->tensor_array[i];
      if ((int)info->usage != (pass == 0 ? NRT_TENSOR_USAGE_INPUT : NRT_TENSOR_USAGE_OUTPUT)) continue;
      nrt_tensor_t *x = NULL;
      nrt_tensor_set_t *set = pass == 0 ? (nrt_tensor_set_t *)input : output;
      if (set && nrt_get_tensor_from_tensor_set(set, info->name, &x) == NRT_SUCCESS && x)
        uses[n_in + n_out++] = nrtm_inflight_extent_(x, 0, SIZE_MAX);
    }
    if (pass == 0) {
      n_in = n_out;
      n_out = 0;
    }
  }
  for (;;) {
    int depth = t->depth ? t->depth : NRTM_INFLIGHT_DEFAULT_DEPTH;
    int full = t->count == NRTM_INFLIGHT_CAPACITY || (int)t->per_vnc[vnc] >= depth;
    if (full && own_thread && t->count < NRTM_INFLIGHT_CAPACITY) full = 0;
    if (full) {
      if (own_thread) {
        s = NRT_QUEUE_FULL;
        break;
      }
      pthread_cond_wait(&t->changed, &t->mu);
      continue;
    }
    nrtm_request_t *r = nrtm_inflight_at_(t, t->count);
    memset(r, 0, sizeof *r);
    s = nrta_execute_schedule(model, input, output, 0, &r->ret, &r->seq);
    if (s == NRT_QUEUE_FULL) {
      /* The runtime's queue is full of someone else's work too: wait for ours to retire, or yield. */
      if (t->count > 0 && !own_thread) {
        pthread_cond_wait(&t->changed, &t->mu);
      } else {
        pthread_mutex_unlock(&t->mu);
        sched_yield();
        pthread_mutex_lock(&t->mu);
      }
      continue;
    }
    if (s != NRT_SUCCESS) break;
    r->model = model;
    r->input = input;
    r->output = output;
    r->uses = uses;
    r->n_in = n_in;
    r->n_out = n_out;
    r->job_id = ++t->next_job_id;
    r->model_id = m->id;
    r->vnc = m->vnc;
    __atomic_store_n(&t->count, t->count + 1, __ATOMIC_RELEASE);
    ++t->per_vnc[vnc];
    uses = NULL;
    pthread_cond_broadcast(&t->changed);
    break;
  }
  pthread_mutex_unlock(&t->mu);
  free(uses);
  return s;
}

static inline NRT_STATUS nrtm_inflight_tensor_read(const nrt_tensor_t *tensor, void *buf, size_t offset, size_t size) {
  nrtm_inflight_fence_(tensor, offset, size, 0);
  return nrt_tensor_read(tensor, buf, offset, size);
}

static inline NRT_STATUS nrtm_inflight_tensor_write(nrt_tensor_t *tensor, const void *buf, size_t offset, size_t size) {
  nrtm_inflight_fence_(tensor, offset, size, 1);
  return nrt_tensor_write(tensor, buf, offset, size);
}

static inline NRT_STATUS nrtm_inflight_tensor_memset(nrt_tensor_t *tensor, uint64_t offset, int value, size_t size) {
  nrtm_inflight_fence_(tensor, offset, size, 1);
  return nrt_tensor_memset(tensor, offset, value, size);
}

static inline NRT_STATUS nrtm_inflight_tensor_copy(const nrt_tensor_t *src, size_t src_offset, nrt_tensor_t *dst,
                                                   size_t dst_offset, size_t size) {
  nrtm_inflight_fence_(src, src_offset, size, 0);
  nrtm_inflight_fence_(dst, dst_offset, size, 1);
  return nrt_tensor_copy(src, src_offset, dst, dst_offset, size);
}

/* Every range of every batch is fenced as nrtm_inflight_tensor_read/write fences one. unsafe = true skips the
 * fences, as it skipped the legacy runtime's waits for pending executions. Batches the runtime will reject (NULL
 * tensor or ops) are not fenced: it checks every range before it copies any. */
static inline void nrtm_inflight_fence_batches_(const nrt_tensor_batch_t *batches, uint64_t num_batches,
                                                int for_write) {
  if (nrtm_inflight_idle_(&nrtm_inflight_table) || !batches) return;
  for (uint64_t b = 0; b < num_batches; ++b) {
    if (!batches[b].tensor || !batches[b].ops) continue;
    for (uint32_t k = 0; k < batches[b].num_ops; ++k)
      nrtm_inflight_fence_(batches[b].tensor, batches[b].ops[k].offset, batches[b].ops[k].size, for_write);
  }
}

static inline NRT_STATUS nrtm_inflight_tensor_read_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches,
                                                         bool unsafe) {
  if (!unsafe) nrtm_inflight_fence_batches_(batches, num_batches, 0);
  return nrt_tensor_read_batch(batches, num_batches, unsafe);
}

static inline NRT_STATUS nrtm_inflight_tensor_write_batch(const nrt_tensor_batch_t *batches, uint64_t num_batches,
                                                          bool unsafe) {
  if (!unsafe) nrtm_inflight_fence_batches_(batches, num_batches, 1);
  return nrt_tensor_write_batch(batches, num_batches, unsafe);
}

/* The handle is gone for the caller at once (*tensor = NULL), as after nrt_tensor_free. */
static inline void nrtm_inflight_tensor_free(nrt_tensor_t **tensor) {
  if (!tensor || !*tensor) {
    nrt_tensor_free(tensor); /* the runtime answers NULL as it always did */
    return;
  }
  nrtm_inflight_defer_(*tensor, 0);
  *tensor = NULL;
}

static inline void nrtm_inflight_destroy_tensor_set(nrt_tensor_set_t **set) {
  if (!set || !*set) {
    nrt_destroy_tensor_set(set);
    return;
  }
  nrtm_inflight_defer_(*set, 1);
  *set = NULL;
}

/* Waits for the runtime's counter (timeout in microseconds, negative: no limit), then for the table to
 * retire the requests that write the tensor, so a read right after it does not wait. */
static inline NRT_STATUS nrtm_inflight_check_output_completion(const nrt_tensor_t *output_tensor, int64_t timeout,
                                                               uint64_t expected_completion_count) {
  NRT_STATUS s = nrt_tensor_check_output_completion(output_tensor, timeout, expected_completion_count);
  if (s != NRT_SUCCESS || !output_tensor) return s;
  nrtm_inflight_fence_(output_tensor, 0, SIZE_MAX, 0);
  return NRT_SUCCESS;
}

static inline NRT_STATUS nrtm_inflight_register_callback(NRT_ASYNC_EXEC_STATUS_CALLBACK callback, void *params) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_inflight_lock_(t);
  t->callback = callback;
  t->callback_params = callback ? params : NULL;
  pthread_mutex_unlock(&t->mu);
  return NRT_SUCCESS;
}

/* nrt_async_drain_queued_execs: every request on core vnc has completed and been reported. */
static inline NRT_STATUS nrtm_inflight_drain(int32_t vnc) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_inflight_lock_(t);
  if (nrtm_inflight_on_retire_thread_(t)) {
    pthread_mutex_unlock(&t->mu);
    fprintf(stderr, "nrtm_inflight_drain: called from the completion callback, which would wait for itself\n");
    return NRT_INVALID;
  }
  if (vnc < 0) {
    pthread_mutex_unlock(&t->mu);
    fprintf(stderr, "nrtm_inflight_drain: negative core index %d\n", (int)vnc);
    return NRT_INVALID;
  }
  nrtm_inflight_wait_idle_(t, NULL, vnc);
  pthread_mutex_unlock(&t->mu);
  return NRT_SUCCESS;
}

static inline NRT_STATUS nrtm_inflight_unload(nrt_model_t *model) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_inflight_lock_(t);
  if (!nrtm_inflight_on_retire_thread_(t)) nrtm_inflight_wait_idle_(t, model, -1);
  for (int i = 0; i < t->n_models; ++i) {
    if (t->models[i].model != model) continue;
    nrt_free_model_tensor_info(t->models[i].io);
    t->models[i] = t->models[--t->n_models];
    break;
  }
  pthread_mutex_unlock(&t->mu);
  return nrt_unload(model);
}

/* Drains everything, stops the completion thread, releases what was deferred, then closes the runtime. */
static inline void nrtm_inflight_close(void) {
  nrtm_inflight_table_t *t = &nrtm_inflight_table;
  nrtm_inflight_lock_(t);
  int join = t->running && !nrtm_inflight_on_retire_thread_(t);
  if (join) {
    nrtm_inflight_wait_idle_(t, NULL, -1);
    t->stopping = 1;
    pthread_cond_broadcast(&t->changed);
  }
  pthread_mutex_unlock(&t->mu);
  if (join) {
    pthread_join(t->thread, NULL);
    pthread_mutex_lock(&t->mu);
    t->running = 0;
    t->stopping = 0;
    for (int i = 0; i < t->n_models; ++i) nrt_free_model_tensor_info(t->models[i].io);
    t->n_models = 0;
    nrtm_deferred_t release[64];
    int n;
    while ((n = nrtm_inflight_take_releasable_(t, release, 64)) > 0) {
      pthread_mutex_unlock(&t->mu);
      nrtm_inflight_release_(release, n);
      pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
  }
  nrt_close();
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NRTM_INFLIGHT_H_1 */
