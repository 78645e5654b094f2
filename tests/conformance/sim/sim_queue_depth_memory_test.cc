// A large NRT_SIM_QUEUE_DEPTH costs memory only for the requests actually in flight: every execution
// unit used to allocate its whole ring up front (32 MiB per unit at 2^20, +736 MiB for 4 cores).
#include <thread>
#include <vector>

#include "nrtest.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

bool Completed(nrta_seq_t seq) {
  bool done = false;
  EXPECT_EQ(nrta_is_completed(seq, &done), NRT_SUCCESS);
  return done;
}

TEST(SimQueueDepthMemory, AHugeDepthKeepsResidentMemorySmall) {
  setenv("NRT_SIM_QUEUE_DEPTH", "1048576", 1);
  const int64_t before_kb = RssKb();
  NRTEST_INIT(rt);
  uint32_t cores = 0;
  ASSERT_EQ(nrt_get_visible_vnc_count(&cores), NRT_SUCCESS);
  std::vector<nrt_tensor_t*> tensors;
  std::vector<NRT_STATUS> rets(cores * 2 * 100, NRT_FAILURE);
  std::vector<nrta_seq_t> last;
  char byte = 1;
  size_t r = 0;
  // Use both tensor-op units of every core, with 100 requests each.
  for (uint32_t lnc = 0; lnc < cores; ++lnc) {
    tensors.push_back(MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, static_cast<int>(lnc), 64, "t"));
    for (int queue = 0; queue < 2; ++queue) {
      nrta_seq_t seq = 0;
      for (int i = 0; i < 100; ++i, ++r) {
        ASSERT_EQ(nrta_tensor_write(tensors.back(), &byte, 0, 1, static_cast<int>(lnc), queue, &rets[r], &seq),
                  NRT_SUCCESS);
      }
      last.push_back(seq);
    }
  }
  for (nrta_seq_t seq : last) {
    while (!Completed(seq)) std::this_thread::yield();
  }
  for (NRT_STATUS s : rets) EXPECT_EQ(s, NRT_SUCCESS);
  const int64_t grown_kb = RssKb() - before_kb;
  EXPECT_LT(grown_kb, 64 << 10) << "resident memory grew by " << (grown_kb >> 10) << " MiB";
  for (nrt_tensor_t* t : tensors) nrt_tensor_free(&t);
}

}  // namespace
