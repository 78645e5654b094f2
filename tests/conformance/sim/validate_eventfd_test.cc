// Validation mode, lifetimes: an application eventfd registered for a request (or for every completion of a unit)
// and closed before the request completed. The runtime finds it when it is about to signal the fd: the number is
// closed, or it now refers to another eventfd or file. Each buggy program sits beside a near miss that reuses the
// number correctly (the wait comes first), which must stay silent.
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "nrtest.h"
#include "nrtest/sanitizers.h"
#include "validate_test_util.h"

using namespace nrtest;

namespace {

// An execution of async_scale on lnc 0 held by a gate: `before_release(seq)` runs while it is pending; then it is
// released and waited for. Returns stderr up to and including nrt_close.
template <typename BeforeRelease>
std::string WhileExecutionHeld(BeforeRelease before_release) {
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
    before_release(e.seq);
    gate.Release();
    EXPECT_EQ(e.Result(), NRT_SUCCESS);
    // A second execution (not held): completions after the first go through the same checks.
    Req f;
    EXPECT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &f.ret, &f.seq), NRT_SUCCESS);
    EXPECT_EQ(f.Result(), NRT_SUCCESS);
  }
  rt.Close();
  return cap.Stop();
}

// The two tests that reuse the number while the runtime will signal it commit the very race they are about (a
// worker thread writes an fd another thread just created, with nothing ordering the two), which TSan reports as
// such; the release and ASan builds run them.
#define SKIP_UNDER_TSAN() \
  if (NRTEST_UNDER_TSAN) GTEST_SKIP() << "the program under test races on the fd number on purpose"

void ExpectOneEventFdFinding(const std::string& err, const std::vector<std::string>& needles) {
  auto f = Findings(err);
  ASSERT_EQ(f.size(), 1u) << err;
  EXPECT_TRUE(HasAll(f[0], needles)) << f[0];
}

}  // namespace

TEST(ValidateEventFd, ClosingARequestsEventFdWhileItIsPendingIsReported) {
  int number = -1;
  std::string err = WhileExecutionHeld([&](nrta_seq_t seq) {
    EventFd fd;
    number = fd.fd();
    EXPECT_EQ(nrta_event_register_seq_id_completion(seq, fd.fd()), NRT_SUCCESS);
  });  // EventFd closes it here, the request still held
  ExpectOneEventFdFinding(err,
                          {"[eventfd-closed-while-pending]", "nrta_event_register_seq_id_completion at ",
                           "eventfd " + std::to_string(number) +
                               " registered for request seq 1 (lnc 0, compute queue 0) was closed before that request "
                               "completed"});
}

TEST(ValidateEventFd, ClosingARequestsEventFdAndReusingTheNumberIsReported) {
  SKIP_UNDER_TSAN();
  std::optional<EventFd> reused;
  std::string err = WhileExecutionHeld([&](nrta_seq_t seq) {
    int number;
    {
      EventFd fd;
      number = fd.fd();
      EXPECT_EQ(nrta_event_register_seq_id_completion(seq, fd.fd()), NRT_SUCCESS);
    }
    reused.emplace();  // the lowest free number: the one just closed
    ASSERT_EQ(reused->fd(), number);
  });
  ExpectOneEventFdFinding(err,
                          {"[eventfd-closed-while-pending]", "was closed and the number now refers to another file",
                           "before that request completed"});
}

// Near miss: the same number, reused for another eventfd registered for the next request after the first completed.
TEST(ValidateEventFd, ReusingTheNumberAfterTheRequestCompletedIsSilent) {
  HoldGate gate;
  ValidateHolding(gate, "xu=compute,nth=2");
  Runtime rt;
  ASSERT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    Req e;
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
    int number;
    {
      EventFd first;
      number = first.fd();
      ASSERT_EQ(nrta_event_register_seq_id_completion(e.seq, first.fd()), NRT_SUCCESS);
      EXPECT_EQ(ReadEventFd(first.fd(), 10000), 1u);  // waited for: completed and signalled
    }
    EventFd second;
    ASSERT_EQ(second.fd(), number);
    Req f;
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &f.ret, &f.seq), NRT_SUCCESS);  // held (nth=2)
    ASSERT_EQ(nrta_event_register_seq_id_completion(f.seq, second.fd()), NRT_SUCCESS);
    gate.Release();
    EXPECT_EQ(ReadEventFd(second.fd(), 10000), 1u);
    EXPECT_EQ(f.Result(), NRT_SUCCESS);
  }
  rt.Close();
  std::string err = cap.Stop();
  EXPECT_TRUE(Findings(err).empty()) << err;
  EXPECT_EQ(LinesWith(err, {"nrt-validate: summary: no findings"}).size(), 1u) << err;
}

TEST(ValidateEventFd, ClosingTheUnitEventFdWhileAnExecutionIsPendingIsReported) {
  SKIP_UNDER_TSAN();
  std::optional<EventFd> reused;
  std::string err = WhileExecutionHeld([&](nrta_seq_t) {
    int number;
    {
      EventFd fd;
      number = fd.fd();
      EXPECT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, fd.fd()), NRT_SUCCESS);
    }
    reused.emplace();
    ASSERT_EQ(reused->fd(), number);
  });
  ExpectOneEventFdFinding(
      err, {"[eventfd-closed-while-pending]", "nrta_event_register_xu_completion at ",
            "registered for every completion of unit (lnc 0, compute queue 0) was closed and the number now "
            "refers to another file while that unit still had requests to complete"});
}

// Near miss: wait, deregister, close, then a new eventfd with the same number registered for the unit.
TEST(ValidateEventFd, ReplacingTheUnitEventFdCorrectlyIsSilent) {
  HoldGate gate;
  ValidateHolding(gate, "xu=compute,nth=1");
  Runtime rt;
  ASSERT_EQ(rt.status(), NRT_SUCCESS);
  StderrCapture cap;
  {
    AsyncModel am("async_scale", 0);
    ASSERT_EQ(am.m.status(), NRT_SUCCESS);
    int number;
    {
      EventFd first;
      number = first.fd();
      ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, first.fd()), NRT_SUCCESS);
      Req e;
      ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &e.ret, &e.seq), NRT_SUCCESS);
      gate.Release();
      EXPECT_EQ(e.Result(), NRT_SUCCESS);
      EXPECT_EQ(ReadEventFd(first.fd(), 10000), 1u);
      ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, -1), NRT_SUCCESS);
    }
    EventFd second;
    ASSERT_EQ(second.fd(), number);
    ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, second.fd()), NRT_SUCCESS);
    Req f;
    ASSERT_EQ(nrta_execute_schedule(am.m, am.is, am.os, 0, &f.ret, &f.seq), NRT_SUCCESS);
    EXPECT_EQ(f.Result(), NRT_SUCCESS);
    EXPECT_EQ(ReadEventFd(second.fd(), 10000), 1u);
    ASSERT_EQ(nrta_event_register_xu_completion(0, NRTA_XU_COMPUTE, 0, -1), NRT_SUCCESS);
  }
  rt.Close();
  std::string err = cap.Stop();
  EXPECT_TRUE(Findings(err).empty()) << err;
}
