// nrt_tensor_attach_buffer racing requests on the same tensor: a request checks its range against the
// memory the tensor has when it is scheduled and then works on exactly that memory; attach either happens
// before (the request sees the new buffer) or is refused with NRT_INVALID while the tensor is in use. No
// write ever lands outside the attached buffer. The race window is small, so this mostly catches it in a
// TSan build, which checks every access to the tensor's layout.
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "nrtest.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

constexpr size_t kBig = 4096, kSmall = 16, kCanary = 4096;

TEST(AttachBufferRace, RequestsNeverWriteOutsideTheAttachedBuffer) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = nullptr;
  ASSERT_EQ(nrt_tensor_allocate_empty("attached", &t), NRT_SUCCESS);
  std::vector<uint8_t> big(kBig, 0);
  // The small buffer sits at the start of a block whose tail must stay untouched.
  std::vector<uint8_t> small_block(kSmall + kCanary, 0xcd);
  std::vector<uint8_t> payload(kBig, 0x11);
  ASSERT_EQ(nrt_tensor_attach_buffer(t, big.data(), big.size()), NRT_SUCCESS);

  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread attacher([&] {
    for (uint64_t i = 0; !stop.load(); ++i) {
      NRT_STATUS s = i % 2 == 0 ? nrt_tensor_attach_buffer(t, small_block.data(), kSmall)
                                : nrt_tensor_attach_buffer(t, big.data(), big.size());
      if (s != NRT_SUCCESS && s != NRT_INVALID) bad++;
    }
  });
  constexpr int kWrites = 20000;
  // The runtime writes each request's status when it completes: every request gets a slot that outlives it.
  std::vector<NRT_STATUS> rets(kWrites, NRT_SUCCESS);
  std::vector<nrta_seq_t> seqs(kWrites, 0);
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i) {
        NRT_STATUS s;
        if (w == 0) {
          s = nrta_tensor_write(t, payload.data(), 0, kBig, 0, 0, &rets[i], &seqs[i]);
          if (s == NRT_QUEUE_FULL) s = NRT_SUCCESS;
        } else {
          s = nrt_tensor_write(t, payload.data(), 0, kBig);
        }
        if (s != NRT_SUCCESS && s != NRT_INVALID) bad++;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  attacher.join();
  nrt_close();  // every scheduled write has run (or was cancelled) once it returns
  EXPECT_EQ(bad.load(), 0);
  for (size_t i = kSmall; i < small_block.size(); ++i) {
    ASSERT_EQ(small_block[i], 0xcd) << "a write of " << kBig << " bytes landed in a " << kSmall << "-byte buffer (byte "
                                    << i << ")";
  }
}

}  // namespace
