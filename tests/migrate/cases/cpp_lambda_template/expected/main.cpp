// C++: a lambda, a template and an inline function in a header. Runs add_one.neff.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "exec.h"
#include "nrt/nrt_experimental.h"

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

#define CHECK(call)                                                       \
  do {                                                                    \
    NRT_STATUS s_ = (call);                                               \
    if (s_ != NRT_SUCCESS) {                                              \
      std::fprintf(stderr, "%s failed: %s\n", #call, nrt_get_status_as_str(s_)); \
      std::exit(1);                                                       \
    }                                                                     \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  std::ifstream f(argv[1], std::ios::binary);
  std::vector<char> neff((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = nullptr;
  CHECK(nrt_load(neff.data(), neff.size(), -1, -1, &model));
  nrt_tensor_t *x = nullptr, *y = nullptr;
  nrt_tensor_set_t *in = nullptr, *out = nullptr;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&in));
  CHECK(nrt_allocate_tensor_set(&out));
  CHECK(nrt_add_tensor_to_tensor_set(in, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(out, "y", y));
  auto step = [&](float base) {
    float v[4] = {base, base * 3, -base, 0.25f};
    CHECK(nrt_tensor_write(x, v, 0, sizeof v));
    NRT_STATUS s = nrtm_execute_wait(model, in, out);
    CHECK(s);
    CHECK(nrt_tensor_read(y, v, 0, sizeof v));
    std::printf("lambda %g: %g %g %g %g\n", base, v[0], v[1], v[2], v[3]);
  };
  step(1);
  step(2);
  float v[4] = {9, 8, 7, 6};
  CHECK(nrt_tensor_write(x, v, 0, sizeof v));
  CHECK(exec_inline(model, in, out));
  CHECK(nrt_tensor_read(y, v, 0, sizeof v));
  std::printf("inline: %g %g %g %g\n", v[0], v[1], v[2], v[3]);
  int calls = 0;
  CHECK(exec_then(model, in, out, [&] { ++calls; }));
  std::printf("template: callback ran %d time(s)\n", calls);
  nrt_destroy_tensor_set(&in);
  nrt_destroy_tensor_set(&out);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
