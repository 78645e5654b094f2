// nrt_async_sendrecv.h point-to-point: core 0 -> core 1 of this process over loopback TCP (the same path
// as between processes or hosts). Latency: median of round trips / 2 of an 8-byte message (ping-pong).
// Bandwidth: median time of one send + its receive for each size, as bytes / time.
//   bench_sendrecv [repetitions]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "nrt/nrt_async_sendrecv.h"

namespace {

void Wait(nrt_async_sendrecv_request_t* r) {
  bool done = false;
  size_t n = 0;
  while (!done) BENCH_CHECK(nrt_async_sendrecv_test_request(r, &done, &n));
}

void WaitComm(nrt_async_sendrecv_comm_t* c) {
  bool done = false;
  while (!done) BENCH_CHECK(nrt_async_sendrecv_test_comm(c, &done));
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 51;
  BENCH_CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  BENCH_CHECK(nrt_async_sendrecv_init(0));
  BENCH_CHECK(nrt_async_sendrecv_init(1));
  nrt_async_sendrecv_comm_t *s01, *r01, *s10, *r10;
  BENCH_CHECK(nrt_async_sendrecv_accept("127.0.0.1", 0, 1, &r01));
  BENCH_CHECK(nrt_async_sendrecv_accept("127.0.0.1", 1, 0, &r10));
  BENCH_CHECK(nrt_async_sendrecv_connect("127.0.0.1", 1, 0, &s01));
  BENCH_CHECK(nrt_async_sendrecv_connect("127.0.0.1", 0, 1, &s10));
  for (auto* c : {s01, r01, s10, r10}) WaitComm(c);

  const size_t kMax = 64u << 20;
  nrt_tensor_t *a, *b;
  BENCH_CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, kMax, "a", &a));
  BENCH_CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 1, kMax, "b", &b));

  std::vector<double> rtt;
  for (int i = 0; i < reps; ++i) {
    nrt_async_sendrecv_request_t *s, *r, *s2, *r2;
    const auto t0 = std::chrono::steady_clock::now();
    BENCH_CHECK(nrt_async_sendrecv_recv_tensor(b, 0, 8, r01, &r));
    BENCH_CHECK(nrt_async_sendrecv_send_tensor(a, 0, 8, s01, &s));
    Wait(r);
    BENCH_CHECK(nrt_async_sendrecv_recv_tensor(a, 0, 8, r10, &r2));
    BENCH_CHECK(nrt_async_sendrecv_send_tensor(b, 0, 8, s10, &s2));
    Wait(r2);
    rtt.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    Wait(s);
    Wait(s2);
  }
  std::printf("latency 8 B one-way: %.1f us (median of %d round trips / 2)\n", bench::Median(rtt) / 2 * 1e6, reps);

  for (size_t bytes : {size_t{4096}, size_t{1} << 20, size_t{16} << 20, kMax}) {
    std::vector<double> t;
    const int n = bytes >= (16u << 20) ? std::max(5, reps / 10) : reps;
    for (int i = 0; i < n; ++i) {
      nrt_async_sendrecv_request_t *s, *r;
      const auto t0 = std::chrono::steady_clock::now();
      BENCH_CHECK(nrt_async_sendrecv_recv_tensor(b, 0, bytes, r01, &r));
      BENCH_CHECK(nrt_async_sendrecv_send_tensor(a, 0, bytes, s01, &s));
      Wait(s);
      Wait(r);
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double m = bench::Median(t);
    std::printf("%9zu B: %8.1f us  %6.2f GB/s (median of %d)\n", bytes, m * 1e6, bytes / m / 1e9, n);
  }
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
  BENCH_CHECK(nrt_async_sendrecv_close(0));
  BENCH_CHECK(nrt_async_sendrecv_close(1));
  nrt_close();
  return 0;
}
