// C++: the nrt include inside extern "C" inside #if, and the one execution.
#include <cstdio>
#if !defined(APP_NO_NRT)
extern "C" {
#include "nrt/nrt.h"
}
#endif

#include "api.h"

/* Added by nrt-migrate: nrt_execute on the explicit nrta_* API (nrt-migrate --explain NRTM1001). */
#include "nrt/nrt_async.h"
#ifndef NRTM_EXECUTE_HELPERS_1
#define NRTM_EXECUTE_HELPERS_1
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
/* Queues one execution, retrying while the queue is full (a blocking nrt_execute waited there too). */
static inline NRT_STATUS nrtm_schedule(nrt_model_t *model, const nrt_tensor_set_t *input,
                                       nrt_tensor_set_t *output, NRT_STATUS *ret, nrta_seq_t *seq) {
  NRT_STATUS s;
  while ((s = nrta_execute_schedule(model, input, output, 0, ret, seq)) == NRT_QUEUE_FULL) sched_yield();
  return s;
}
/* Waits for a request nrtm_schedule returned `scheduled` for; the value is the request's own status. */
static inline NRT_STATUS nrtm_finish(NRT_STATUS scheduled, nrta_seq_t seq, const NRT_STATUS *ret) {
  if (scheduled != NRT_SUCCESS) return scheduled;
  int fd = eventfd(0, EFD_CLOEXEC);
  if (fd >= 0 && nrta_event_register_seq_id_completion(seq, fd) == NRT_SUCCESS) {
    uint64_t n;
    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {
    }
    nrta_event_register_seq_id_completion(seq, -1);
  }
  if (fd >= 0) close(fd);
  bool done = false; /* confirms completion (and covers a failed eventfd) before *ret is read */
  NRT_STATUS s;
  while ((s = nrta_is_completed(seq, &done)) == NRT_SUCCESS && !done) sched_yield();
  return s == NRT_SUCCESS ? *ret : s;
}
/* nrt_execute, exactly: schedule, wait, the request's status. */
static inline NRT_STATUS nrtm_execute_wait(nrt_model_t *model, const nrt_tensor_set_t *input,
                                           nrt_tensor_set_t *output) {
  NRT_STATUS ret = NRT_SUCCESS;
  nrta_seq_t seq = 0;
  NRT_STATUS s = nrtm_schedule(model, input, output, &ret, &seq);
  return nrtm_finish(s, seq, &ret);
}
#endif

bool wrap_run(nrt_model_t *m, nrt_tensor_set_t *in, nrt_tensor_set_t *out) {
  NRT_STATUS s = nrtm_execute_wait(m, in, out);
  if (s != NRT_SUCCESS) std::printf("%d\n", static_cast<int>(s));
  return s == NRT_SUCCESS && app_run(m, in, out) == NRT_SUCCESS;
}
