// Explicit-async requests: the (ret, seq) pair every nrta_* schedule call fills, sequence ids, and waits.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "nrt/nrt.h"
#include "nrt/nrt_async.h"
#include "nrt/nrt_status.h"
#include "nrtest/time.h"

namespace nrtest {

// Values no API call ever writes: a test pre-fills *ret / *req_sequence with them to check that a
// call left them untouched (or that a request has not completed yet).
inline constexpr NRT_STATUS kSentinelStatus = static_cast<NRT_STATUS>(0x5EE7);
inline constexpr nrta_seq_t kSentinelSeq = 0xDEADBEEFCAFEF00Dull;

inline nrta_xu_id_t XuId(uint32_t lnc, nrta_xu_t type, uint32_t queue) {
  return static_cast<nrta_xu_id_t>(lnc << 8 | queue << 4 | static_cast<uint32_t>(type));
}
inline nrta_seq_t MakeSeq(nrta_xu_id_t xu_id, uint64_t n) { return static_cast<nrta_seq_t>(xu_id) << 48 | n; }
inline uint64_t SeqNum(nrta_seq_t seq) { return NRTA_SEQ_GET_SEQ_NUM(seq); }
inline nrta_xu_id_t SeqXu(nrta_seq_t seq) { return static_cast<nrta_xu_id_t>(NRTA_SEQ_GET_XU_ID(seq)); }

// Polls nrta_is_completed until seq has completed. False on timeout or on an error status (a test failure).
inline bool WaitSeq(nrta_seq_t seq, double timeout_s = kGenerousTimeoutS) {
  const auto t0 = Clock::now();
  while (true) {
    bool done = false;
    NRT_STATUS s = nrta_is_completed(seq, &done);
    if (s != NRT_SUCCESS) {
      ADD_FAILURE() << "nrta_is_completed(0x" << std::hex << seq << ") returned " << std::dec << s;
      return false;
    }
    if (done) return true;
    if (SecondsSince(t0) > timeout_s) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

// Polls nrta_get_sequence until the unit's last completed sequence is >= seq (the pattern of the SDK
// examples). seq must belong to that unit.
inline bool WaitUnit(uint32_t lnc, nrta_xu_t type, int queue, nrta_seq_t seq, double timeout_s = kGenerousTimeoutS) {
  const auto t0 = Clock::now();
  while (true) {
    nrta_seq_t done = 0;
    NRT_STATUS s = nrta_get_sequence(lnc, type, queue, &done);
    if (s != NRT_SUCCESS) {
      ADD_FAILURE() << "nrta_get_sequence returned " << s;
      return false;
    }
    if (done >= seq) return true;
    if (SecondsSince(t0) > timeout_s) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

// The sequence number of the unit's last completed request (0 before any).
inline uint64_t CompletedNum(uint32_t lnc, nrta_xu_t type, int queue) {
  nrta_seq_t done = kSentinelSeq;
  EXPECT_EQ(nrta_get_sequence(lnc, type, queue, &done), NRT_SUCCESS);
  return SeqNum(done);
}

// One scheduled request: pass &r.ret, &r.seq to an nrta_* schedule call. `ret` holds kSentinelStatus until
// the request completes; read it only after a wait (the runtime writes it before publishing completion).
struct Req {
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = kSentinelSeq;

  // Waits for completion (false on timeout); then `ret` is final.
  bool Wait(double timeout_s = kGenerousTimeoutS) const { return WaitSeq(seq, timeout_s); }
  // Waits, then returns the request's status (kSentinelStatus on timeout, with a test failure).
  NRT_STATUS Result(double timeout_s = kGenerousTimeoutS) const {
    if (!Wait(timeout_s)) {
      ADD_FAILURE() << "request 0x" << std::hex << seq << " did not complete within " << std::dec << timeout_s << " s";
      return kSentinelStatus;
    }
    return ret;
  }
};

}  // namespace nrtest
