// Validation mode, lifetimes: freeing a tensor, destroying a tensor set, unloading a model, closing the runtime or
// deregistering an eventfd while a request that needs it is pending, and one NRT_STATUS slot given to a second
// request while the first is pending. Each buggy program sits beside its correct twin (the wait added first).
#include <sys/eventfd.h>
#include <unistd.h>

#include <vector>

#include "nrtest.h"
#include "validate_test_util.h"

using namespace nrtest;

namespace {

// Schedules async_scale on lnc 0 (held); then, with or without waiting for it first, `end(am, rt)` ends the life
// of something the execution uses. Returns stderr up to and including nrt_close.
template <typename End>
std::string EndWhileExecuting(bool wait_first, End end) {
  HoldGate gate;
  ValidateHolding(gate, "xu=compute,nth=1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    AsyncModel am("async_scale", 0);
    EXPECT_EQ(am.m.status(), NRT_SUCCESS);
    Req e;
    EXPECT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
    if (wait_first) {
      gate.Release();
      EXPECT_EQ(e.Result(), NRT_SUCCESS);
    }
    end(am, rt, e);
    gate.Release();
    bool done = false;
    if (nrta_is_completed(e.seq, &done) != NRT_CLOSED) {  // else nrt_close completed it
      EXPECT_TRUE(e.Wait());
    }
  }
  rt.Close();
  return cap.Stop();
}

void ExpectOneFinding(const std::string& err, const std::vector<std::string>& needles) {
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], needles)) << f[0];
}

const char* const kPendingExecution = "first seq 1 (lnc 0, compute queue 0), nrta_execute_schedule scheduled at ";

}  // namespace

TEST(ValidateLifetime, FreeingAnInputOfAPendingExecutionIsReported) {
  std::string err = EndWhileExecuting(false, [](AsyncModel& am, Runtime&, Req&) { am.x.Free(); });
  ExpectOneFinding(err, {"[tensor-freed-while-pending]", "nrt_tensor_free at ",
                         "tensor \"x\" is used by 1 pending request(s)", kPendingExecution});
}

TEST(ValidateLifetime, FreeingAfterWaitingIsSilent) {
  std::string err = EndWhileExecuting(true, [](AsyncModel& am, Runtime&, Req&) { am.x.Free(); });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateLifetime, DestroyingTheOutputSetOfAPendingExecutionIsReported) {
  std::string err = EndWhileExecuting(false, [](AsyncModel& am, Runtime&, Req&) { am.os.Destroy(); });
  ExpectOneFinding(
      err, {"[tensor-set-destroyed-while-pending]", "nrt_destroy_tensor_set at ", "tensor set 0x", kPendingExecution});
}

TEST(ValidateLifetime, DestroyingTheSetAfterWaitingIsSilent) {
  std::string err = EndWhileExecuting(true, [](AsyncModel& am, Runtime&, Req&) { am.os.Destroy(); });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateLifetime, UnloadingTheModelOfAPendingExecutionIsReported) {
  std::string err =
      EndWhileExecuting(false, [](AsyncModel& am, Runtime&, Req&) { EXPECT_EQ(am.m.Unload(), NRT_SUCCESS); });
  ExpectOneFinding(err,
                   {"[model-unloaded-while-pending]", "nrt_unload at ", "model \"async_scale\"", kPendingExecution});
}

TEST(ValidateLifetime, UnloadingAfterWaitingIsSilent) {
  std::string err =
      EndWhileExecuting(true, [](AsyncModel& am, Runtime&, Req&) { EXPECT_EQ(am.m.Unload(), NRT_SUCCESS); });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateLifetime, ClosingWithAPendingExecutionIsReported) {
  std::string err = EndWhileExecuting(false, [](AsyncModel&, Runtime& rt, Req&) { rt.Close(); });
  ExpectOneFinding(err, {"[closed-while-pending]", "nrt_close at ", "1 request(s) still pending",
                         "first seq 1 (lnc 0, compute queue 0)", "NRT_CLOSED"});
}

TEST(ValidateLifetime, ClosingAfterWaitingIsSilent) {
  std::string err = EndWhileExecuting(true, [](AsyncModel&, Runtime& rt, Req&) { rt.Close(); });
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: no findings"}).size(), 1u) << err;
}

namespace {

// The unit's eventfd registered before the execution, deregistered inside `EndWhileExecuting`.
void DeregisterUnitFd(AsyncModel&, Runtime&, Req&) {
  EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, -1), NRT_SUCCESS);
}

}  // namespace

TEST(ValidateLifetime, DeregisteringTheUnitEventFdWhileAnExecutionIsPendingIsReported) {
  EventFd fd;
  std::string err = EndWhileExecuting(false, [&](AsyncModel& am, Runtime& rt, Req& e) {
    EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, fd.fd()), NRT_SUCCESS);
    DeregisterUnitFd(am, rt, e);
  });
  ExpectOneFinding(err, {"[eventfd-removed-while-pending]", "nrta_event_register_xu_completion at ",
                         "the eventfd of unit lnc 0 compute queue 0 was removed while request seq 1 (lnc 0, compute "
                         "queue 0), nrta_execute_schedule scheduled at "});
}

TEST(ValidateLifetime, DeregisteringTheUnitEventFdAfterWaitingIsSilent) {
  EventFd fd;
  std::string err = EndWhileExecuting(true, [&](AsyncModel& am, Runtime& rt, Req& e) {
    EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, fd.fd()), NRT_SUCCESS);
    DeregisterUnitFd(am, rt, e);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateLifetime, DeregisteringARequestsEventFdWhileItIsPendingIsReported) {
  EventFd fd;
  std::string err = EndWhileExecuting(false, [&](AsyncModel&, Runtime&, Req& e) {
    EXPECT_EQ(nrta_event_register_seq_id_completion(e.seq, fd.fd()), NRT_SUCCESS);
    EXPECT_EQ(nrta_event_register_seq_id_completion(e.seq, -1), NRT_SUCCESS);
  });
  ExpectOneFinding(err, {"[eventfd-removed-while-pending]", "nrta_event_register_seq_id_completion at ",
                         "the eventfd of request seq 1 (lnc 0, compute queue 0) was removed"});
}

TEST(ValidateLifetime, DeregisteringARequestsEventFdAfterItCompletedIsSilent) {
  EventFd fd;
  std::string err = EndWhileExecuting(true, [&](AsyncModel&, Runtime&, Req& e) {
    EXPECT_EQ(nrta_event_register_seq_id_completion(e.seq, fd.fd()), NRT_SUCCESS);
    EXPECT_EQ(nrta_event_register_seq_id_completion(e.seq, -1), NRT_SUCCESS);
  });
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// Two writes sharing one NRT_STATUS slot: the first on tensor_op queue 0 (held), the second on `second_queue`.
// Only the correct variant uses two units here: in the buggy one the two workers would write the slot at once (a
// real data race, which TSan reports); validator_test.cc covers the cross-unit finding without running requests.
std::string SharedStatusSlot(int second_queue, bool wait_first) {
  HoldGate gate;
  ValidateHolding(gate, "xu=tensor_op,queue=0,nth=1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    Tensor a(0, 64, "a"), b(0, 64, "b");
    std::vector<uint8_t> data(64, 3);
    NRT_STATUS ret = kSentinelStatus;
    nrta_seq_t s1 = 0, s2 = 0;
    EXPECT_EQ(nrta_tensor_write(a, data.data(), 0, 64, 0, 0, &ret, &s1), NRT_SUCCESS);
    if (wait_first) {
      gate.Release();
      EXPECT_TRUE(WaitSeq(s1));
    }
    EXPECT_EQ(nrta_tensor_write(b, data.data(), 0, 64, 0, second_queue, &ret, &s2), NRT_SUCCESS);
    gate.Release();
    EXPECT_TRUE(WaitSeq(s1));
    EXPECT_TRUE(WaitSeq(s2));
  }
  rt.Close();
  return cap.Stop();
}

}  // namespace

// Even on one queue, where the requests are ordered: the first status is overwritten before anyone reads it.
TEST(ValidateLifetime, OneStatusSlotForTwoPendingRequestsIsReported) {
  std::string err = SharedStatusSlot(0, false);
  ExpectOneFinding(
      err, {"[status-slot-reused-while-pending]", "nrta_tensor_write at ",
            "request seq 2 (lnc 0, tensor_op queue 0) was given NRT_STATUS slot 0x",
            "of request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write scheduled at ", "status would be lost"});
}

TEST(ValidateLifetime, ReusingAStatusSlotOnOneQueueAfterTheFirstCompletedIsSilent) {
  std::string err = SharedStatusSlot(0, true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

TEST(ValidateLifetime, ReusingAStatusSlotAfterTheFirstCompletedIsSilent) {
  std::string err = SharedStatusSlot(1, true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}

namespace {

// A status slot given to a held write on tensor_op queue 0, then thousands of other slots used and drained on
// queue 1 (validation's slot table sweeps completed owners many times meanwhile), then the first slot given again
// on queue 0: behind the held write (a finding), or after it completed (none).
std::string SlotReusedAfterThousandsOfOthers(bool wait_first) {
  HoldGate gate;
  ValidateHolding(gate, "xu=tensor_op,queue=0,nth=1");
  Runtime rt;
  EXPECT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    Tensor a(0, 64, "a"), b(0, 64, "b");
    std::vector<uint8_t> data(64, 3);
    NRT_STATUS kept = kSentinelStatus;
    nrta_seq_t s1 = 0, s2 = 0, s = 0;
    EXPECT_EQ(nrta_tensor_write(a, data.data(), 0, 64, 0, 0, &kept, &s1), NRT_SUCCESS);
    constexpr int kOthers = 3000, kBatch = 50;  // a queue holds 64 by default
    std::vector<NRT_STATUS> others(kOthers, kSentinelStatus);
    for (int i = 0; i < kOthers; ++i) {
      EXPECT_EQ(nrta_tensor_write(b, data.data(), 0, 64, 0, 1, &others[i], &s), NRT_SUCCESS);
      if (i % kBatch == kBatch - 1) {
        EXPECT_TRUE(WaitSeq(s));
      }
    }
    if (wait_first) {
      gate.Release();
      EXPECT_TRUE(WaitSeq(s1));
    }
    EXPECT_EQ(nrta_tensor_write(a, data.data(), 0, 64, 0, 0, &kept, &s2), NRT_SUCCESS);
    gate.Release();
    EXPECT_TRUE(WaitSeq(s2));
  }
  rt.Close();
  return cap.Stop();
}

}  // namespace

TEST(ValidateLifetime, AStatusSlotOfAPendingRequestIsReportedAfterThousandsOfOtherSlots) {
  std::string err = SlotReusedAfterThousandsOfOthers(false);
  ExpectOneFinding(err, {"[status-slot-reused-while-pending]",
                         "request seq 2 (lnc 0, tensor_op queue 0) was given NRT_STATUS slot 0x",
                         "of request seq 1 (lnc 0, tensor_op queue 0), nrta_tensor_write scheduled at "});
}

TEST(ValidateLifetime, AStatusSlotReusedAfterItsRequestAndThousandsOfOthersCompletedIsSilent) {
  std::string err = SlotReusedAfterThousandsOfOthers(true);
  EXPECT_TRUE(Findings(err).empty()) << err;
}
