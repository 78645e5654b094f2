// Gloo's own all-reduce on the same machine, as the reference for bench_allreduce procs: N processes on
// loopback (TCP device on 127.0.0.1, FileStore rendezvous), float32 sum in place, the same sizes and
// the same bus-bandwidth formula. Debian ships no Gloo benchmark binary, so this is the equivalent of
// its `benchmark --transport tcp allreduce_ring_chunked` loop, with the public gloo::allreduce.
//   bench_gloo_allreduce N [B [iters]]   (B, iters: one size only, as bench_allreduce takes them)
#include <gloo/allreduce.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/transport/tcp/device.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

double NowNs() {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

size_t g_only_bytes = 0;
int g_iterations = 0;

int Iterations(size_t bytes) {
  if (g_iterations > 0) return g_iterations;
  return bytes <= (1 << 20) ? 50 : bytes <= (16 << 20) ? 10 : 3;
}

int RunRank(int rank, int n, const std::string& dir) {
  gloo::transport::tcp::attr attr;
  attr.hostname = "127.0.0.1";
  auto dev = gloo::transport::tcp::CreateDevice(attr);
  gloo::rendezvous::FileStore store(dir);
  auto ctx = std::make_shared<gloo::rendezvous::Context>(rank, n);
  ctx->connectFullMesh(store, dev);
  if (rank == 0) std::printf("gloo all-reduce float32 sum, %d processes\n", n);
  for (size_t bytes = 4 << 10; bytes <= (256u << 20); bytes *= 4) {
    if (g_only_bytes != 0 && bytes != g_only_bytes) continue;
    std::vector<float> buf(bytes / 4, 1.0f);
    auto once = [&] {
      const double t0 = NowNs();
      gloo::AllreduceOptions opts(ctx);
      opts.setOutput(buf.data(), buf.size());
      opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(&gloo::sum<float>));
      gloo::allreduce(opts);
      return NowNs() - t0;
    };
    once();
    std::vector<double> t;
    for (int i = 0; i < Iterations(bytes); ++i) t.push_back(once());
    std::sort(t.begin(), t.end());
    const double med = t[t.size() / 2];
    if (rank == 0)
      std::printf("%10zu B  %8.1f us  bus %6.2f GB/s\n", bytes, med / 1e3, 2.0 * (n - 1) / n * bytes / med);
  }
  std::fflush(stdout);  // the child leaves with _exit
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2;
  if (argc > 2) g_only_bytes = std::strtoull(argv[2], nullptr, 0);
  if (argc > 3) g_iterations = std::atoi(argv[3]);
  char tmpl[] = "/tmp/gloo_bench_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::vector<pid_t> kids;
  for (int r = 0; r < n; ++r) {
    pid_t pid = fork();
    if (pid == 0) _exit(RunRank(r, n, dir));
    kids.push_back(pid);
  }
  int failed = 0;
  for (pid_t k : kids) {
    int st = 0;
    waitpid(k, &st, 0);
    failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  std::system(("rm -rf " + dir).c_str());
  return failed != 0;
}
