// Cost of validation mode (NRT_SIM_VALIDATE, README "Validation mode"): one schedule call (nrta_tensor_write of
// 4 bytes on tensor-op queue 0 of LNC 0) and one direct tensor access (nrt_tensor_write of 64 bytes), each with
// N requests pending on another unit (tensor-op queue 1, held with NRT_SIM_FAULTS hold=) that touch other
// memory, so every check has N pending requests to consider and finds nothing; and the schedule call on queue 1
// itself, behind the N (same unit: nothing to check; those schedules are held too). Run it once with NRT_SIM_VALIDATE=0
// and once with 1; the ratio of the two is the cost of validation.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gbench_common.h"

namespace {

constexpr uint64_t kDrain = 4096;  // schedules between waits (outside the timed region)
constexpr size_t kRets = kDrain;   // a status slot is reused only after its request completed
constexpr int kMaxHeld = 63;       // the largest N
// Queue 1's requests come in cycles of kCycle: the first of each is held (NRT_SIM_FAULTS every=kCycle) and the
// others queue behind it, so they are pending just the same without each checking the release file (three
// file-system calls per request made a run with repetitions take minutes outside the timed region). A cycle is
// the N held requests, the schedules on queue 1 until the drain, then untimed padding to the cycle's end.
constexpr uint64_t kCycle = kDrain + kMaxHeld + 1;

std::string ReleasePath() { return "/tmp/nrtb_bench_validate_" + std::to_string(getpid()); }

// N requests held pending on tensor-op queue 1 (every request scheduled there waits until Release).
class HeldOnQueue1 {
 public:
  explicit HeldOnQueue1(int n) : other_(bench::DeviceTensor(64, 0, "other")), rets_(n), pad_rets_(kCycle) {
    BENCH_CHECK(n <= kMaxHeld ? NRT_SUCCESS : NRT_INVALID);
    Hold();
  }
  ~HeldOnQueue1() {
    Release(0);
    std::remove(ReleasePath().c_str());
    std::remove((ReleasePath() + ".held").c_str());
    nrt_tensor_free(&other_);
  }
  // Schedules the N requests; they stay pending until Release.
  void Hold() {
    std::remove(ReleasePath().c_str());
    uint32_t word = 0;
    for (auto& ret : rets_) BENCH_CHECK(nrta_tensor_write(other_, &word, 0, 4, 0, 1, &ret, &last_));
  }
  // Pads queue 1 to the end of its cycle, lets its requests run and waits for them; `also`: the last request the
  // caller scheduled on queue 1 (0: none).
  void Release(nrta_seq_t also) {
    nrta_seq_t last = NRTA_SEQ_GET_SEQ_NUM(also) > NRTA_SEQ_GET_SEQ_NUM(last_) ? also : last_;
    if (last != 0) {
      uint32_t word = 0;
      for (uint64_t n = NRTA_SEQ_GET_SEQ_NUM(last), i = 0; n % kCycle != 0; ++n, ++i) {
        BENCH_CHECK(nrta_tensor_write(other_, &word, 0, 4, 0, 1, &pad_rets_[i], &last));
      }
    }
    if (FILE* f = std::fopen(ReleasePath().c_str(), "w")) std::fclose(f);
    if (last != 0) bench::WaitPoll(last);
    last_ = last;  // the newest request of queue 1, at a cycle's end
  }

 private:
  nrt_tensor_t* other_;
  std::vector<NRT_STATUS> rets_;
  std::vector<NRT_STATUS> pad_rets_;
  nrta_seq_t last_ = 0;  // the newest request this scheduled on queue 1
};

// Schedule calls on tensor-op queue 0 with N requests pending on queue 1 (another unit: each is checked).
void BM_Schedule(benchmark::State& state) {
  HeldOnQueue1 pending(static_cast<int>(state.range(0)));
  nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
  char buf[64] = {};
  auto rets = std::make_unique<NRT_STATUS[]>(kRets);
  nrta_seq_t seq = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrta_tensor_write(t, buf, 0, 4, 0, 0, &rets[i % kRets], &seq));
    if (++i % kDrain == 0) {
      state.PauseTiming();
      bench::WaitPoll(seq);
      state.ResumeTiming();
    }
  }
  bench::WaitPoll(seq);
  nrt_tensor_free(&t);
  state.SetItemsProcessed(state.iterations());
}

// Schedule calls on queue 1 itself, behind its N held requests (the same unit: ordered, never checked). The
// scheduled requests are held too, so up to kDrain of them add to the N before each drain.
void BM_ScheduleSameUnit(benchmark::State& state) {
  HeldOnQueue1 pending(static_cast<int>(state.range(0)));
  nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
  char buf[64] = {};
  auto rets = std::make_unique<NRT_STATUS[]>(kRets);
  nrta_seq_t seq = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    BENCH_CHECK(nrta_tensor_write(t, buf, 0, 4, 0, 1, &rets[i % kRets], &seq));
    if (++i % kDrain == 0) {
      state.PauseTiming();
      pending.Release(seq);
      pending.Hold();
      state.ResumeTiming();
    }
  }
  pending.Release(seq);
  nrt_tensor_free(&t);
  state.SetItemsProcessed(state.iterations());
}

void BM_HostWrite(benchmark::State& state) {
  HeldOnQueue1 pending(static_cast<int>(state.range(0)));
  nrt_tensor_t* t = bench::DeviceTensor(64, 0, "t");
  char buf[64] = {};
  for (auto _ : state) BENCH_CHECK(nrt_tensor_write(t, buf, 0, sizeof buf));
  nrt_tensor_free(&t);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Schedule)->Arg(0)->Arg(1)->Arg(8)->Arg(63)->UseRealTime();
BENCHMARK(BM_ScheduleSameUnit)->Arg(0)->Arg(1)->Arg(8)->Arg(63)->UseRealTime();
BENCHMARK(BM_HostWrite)->Arg(0)->Arg(1)->Arg(8)->Arg(63)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  return bench::GbenchMain(argc, argv, {}, [] {
    bench::EnvDefault("NRT_SIM_QUEUE_DEPTH", std::to_string(1 << 20));
    bench::EnvDefault("NRT_SIM_FAULTS",
                      "xu=tensor_op,queue=1,every=" + std::to_string(kCycle) + ",hold=" + ReleasePath());
  });
}
