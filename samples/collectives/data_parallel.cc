// nrt-data-parallel: one data-parallel training loop in the explicit async style. Every rank computes
// "gradients" on its COMPUTE unit (the pipeline_block model on its own input), and all-reduces them on its
// COLLECTIVES unit while the next step's compute already runs: two gradient buffers, step k's all-reduce
// overlapping step k+1's execution. The result is checked against the sum of every rank's gradients
// computed synchronously on the side.
//
//   nrt-data-parallel [--steps N]                 ranks = the logical cores of this process
//   NEURON_RT_ROOT_COMM_ID=host:port nrt-data-parallel --rank R --world W [--steps N]
//                                                 one rank per process (rank 0 serves the rendezvous)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"

namespace {

constexpr size_t kElems = 256 * 256, kBytes = kElems * sizeof(float);

#define CHECK(expr)                                                                                  \
  do {                                                                                               \
    NRT_STATUS s_ = (expr);                                                                          \
    if (s_ != NRT_SUCCESS) {                                                                         \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, nrt_get_status_as_str(s_)); \
      std::exit(1);                                                                                  \
    }                                                                                                \
  } while (0)

std::vector<float> Input(int rank, int step) {
  std::vector<float> x(kElems);
  for (size_t j = 0; j < kElems; ++j) x[j] = 0.5f * std::sin(0.3f * rank + 0.1f * step + 0.001f * j);
  return x;
}

void Wait(nrta_seq_t seq, NRT_STATUS* ret, const char* what, int rank, int step) {
  for (bool done = false; !done;) CHECK(nrta_is_completed(seq, &done));
  if (*ret != NRT_SUCCESS) {
    std::fprintf(stderr, "rank %d step %d: %s completed with %s\n", rank, step, what, nrt_get_status_as_str(*ret));
    std::exit(1);
  }
}

struct Rank {
  int global = 0, lnc = 0;
  nrt_model_t* model = nullptr;
  nrt_tensor_t *x = nullptr, *grad[2] = {nullptr, nullptr};
  nrt_tensor_set_t *in = nullptr, *out[2] = {nullptr, nullptr};
  NRT_STATUS exec_ret = NRT_SUCCESS, cc_ret[2] = {NRT_SUCCESS, NRT_SUCCESS};
  nrta_seq_t exec_seq = 0, cc_seq[2] = {0, 0};
};

std::vector<char> ReadFile(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot open %s\n", path);
    std::exit(1);
  }
  std::vector<char> b;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) b.insert(b.end(), buf, buf + n);
  std::fclose(f);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 6, my_rank = -1, world = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rank")) my_rank = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--world")) world = std::atoi(argv[i + 1]);
  }
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  uint32_t cores = 0;
  CHECK(nrt_get_visible_vnc_count(&cores));
  const bool one_process = my_rank < 0;
  if (one_process) world = static_cast<int>(cores);
  const std::vector<char> neff = ReadFile(NRTB_SAMPLE_MODEL);

  std::vector<Rank> ranks(one_process ? world : 1);
  std::vector<uint32_t> group(world);
  for (int r = 0; r < world; ++r) group[r] = r;
  for (size_t i = 0; i < ranks.size(); ++i) {
    Rank& k = ranks[i];
    k.global = one_process ? static_cast<int>(i) : my_rank;
    k.lnc = one_process ? static_cast<int>(i) : 0;
    CHECK(nrt_cc_global_comm_init(k.lnc, k.global, world));
    CHECK(nrt_load(neff.data(), neff.size(), k.lnc, 1, &k.model));
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, k.lnc, kBytes, "x", &k.x));
    CHECK(nrt_allocate_tensor_set(&k.in));
    CHECK(nrt_add_tensor_to_tensor_set(k.in, "x", k.x));
    for (int b = 0; b < 2; ++b) {
      CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, k.lnc, kBytes, "grad", &k.grad[b]));
      CHECK(nrt_allocate_tensor_set(&k.out[b]));
      CHECK(nrt_add_tensor_to_tensor_set(k.out[b], "y", k.grad[b]));
    }
  }

  auto start_allreduce = [&](Rank& k, int b) {
    nrt_cc_comm_t comm{};
    comm.replica_group = group.data();
    comm.rank = static_cast<uint32_t>(k.global);
    comm.rank_n = static_cast<uint32_t>(world);
    comm.vnc = static_cast<uint32_t>(k.lnc);
    nrt_tensor_list_t l{&k.grad[b], 1};
    nrt_cc_context_t* ctx = nullptr;
    CHECK(nrta_cc_prepare(&comm, &l, &l, NRT_DTYPE_FLOAT32, NRT_OP_ADD, NRT_CC_ALLREDUCE, &ctx));
    CHECK(nrta_cc_schedule(&ctx, 0, &k.cc_ret[b], &k.cc_seq[b]));
  };

  int bad = 0;
  std::vector<float> got(kElems), want(kElems), one(kElems);
  for (int step = 0; step < steps; ++step) {
    const int b = step % 2;
    for (Rank& k : ranks) {
      // Buffer b is free once the all-reduce that used it two steps ago completed.
      if (step >= 2) Wait(k.cc_seq[b], &k.cc_ret[b], "all-reduce", k.global, step - 2);
      std::vector<float> x = Input(k.global, step);
      CHECK(nrt_tensor_write(k.x, x.data(), 0, kBytes));
      CHECK(nrta_execute_schedule(k.model, k.in, k.out[b], 0, &k.exec_ret, &k.exec_seq));
    }
    // Gradients of step `step` ready: all-reduce them (COLLECTIVES) while the next step computes.
    for (Rank& k : ranks) {
      Wait(k.exec_seq, &k.exec_ret, "execute", k.global, step);
      start_allreduce(k, b);
    }
    if (step == steps - 1 || step == 0) {
      // Check: the sum over all ranks of model(input), computed synchronously on this process's first core.
      for (Rank& k : ranks) {
        Wait(k.cc_seq[b], &k.cc_ret[b], "all-reduce", k.global, step);
        if (step >= 1) Wait(k.cc_seq[1 - b], &k.cc_ret[1 - b], "all-reduce", k.global, step - 1);  // scratch below
      }
      std::fill(want.begin(), want.end(), 0.0f);
      Rank& k = ranks[0];
      for (int r = 0; r < world; ++r) {
        std::vector<float> x = Input(r, step);
        CHECK(nrt_tensor_write(k.x, x.data(), 0, kBytes));
        CHECK(nrt_execute(k.model, k.in, k.out[1 - b]));
        CHECK(nrt_tensor_read(k.grad[1 - b], one.data(), 0, kBytes));
        for (size_t j = 0; j < kElems; ++j) want[j] += one[j];
      }
      for (Rank& q : ranks) {
        CHECK(nrt_tensor_read(q.grad[b], got.data(), 0, kBytes));
        for (size_t j = 0; j < kElems; ++j) bad += std::fabs(got[j] - want[j]) > 1e-5f * world;
      }
    }
  }
  for (Rank& k : ranks)
    for (int b = 0; b < 2; ++b) Wait(k.cc_seq[b], &k.cc_ret[b], "all-reduce", k.global, steps);
  std::printf("rank(s) %s of %d: %d steps, gradients all-reduced and checked: %s\n",
              one_process ? "all" : std::to_string(my_rank).c_str(), world, steps, bad == 0 ? "ok" : "MISMATCH");
  for (Rank& k : ranks) {
    nrt_destroy_tensor_set(&k.in);
    for (int b = 0; b < 2; ++b) {
      nrt_destroy_tensor_set(&k.out[b]);
      nrt_tensor_free(&k.grad[b]);
    }
    nrt_tensor_free(&k.x);
    nrt_unload(k.model);
  }
  nrt_close();
  return bad == 0 ? 0 : 1;
}
