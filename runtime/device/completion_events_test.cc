// Deterministic interleavings of the completion-event protocol. The completer publishes the
// counter (S) and then signals (O); an application registers (R) and may deregister (D). Every
// order of those steps that the two sides allow is replayed on one thread against the real
// CompletionEvents, and the eventfd must hold exactly what the specification says:
//   one write per registration, made by whichever of R/O comes second, never after D.
// (Orders that sequential consistency forbids, e.g. O missing an R whose own check also missed S,
// cannot be replayed this way; the threaded stress tests and TSan cover those.)
#include "runtime/device/completion_events.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace nrtb {
namespace {

uint64_t Drain(int fd) {
  uint64_t v = 0;
  return read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v) ? v : 0;
}

// The specification as a state machine: what the fd should have received after `order`.
uint64_t ExpectedSignals(const std::string& order) {
  bool completed = false, registered = false;
  uint64_t signals = 0;
  for (char step : order) {
    switch (step) {
      case 'S':
        completed = true;
        break;
      case 'R':
        if (completed)
          ++signals;
        else
          registered = true;
        break;
      case 'O':
        if (registered) ++signals;
        registered = false;
        break;
      case 'D':
        registered = false;
        break;
    }
  }
  return signals;
}

// Every order of `steps` in which S precedes O (the completer's program order) and R precedes D.
std::vector<std::string> AllowedOrders(std::string steps) {
  std::vector<std::string> out;
  std::sort(steps.begin(), steps.end());
  do {
    auto pos = [&](char c) { return steps.find(c); };
    if (pos('S') > pos('O')) continue;
    if (steps.find('D') != std::string::npos && pos('R') > pos('D')) continue;
    out.push_back(steps);
  } while (std::next_permutation(steps.begin(), steps.end()));
  return out;
}

void Replay(const std::string& order, bool owned) {
  SCOPED_TRACE("order " + order + (owned ? " (runtime-owned fd)" : ""));
  CompletionEvents events;
  std::atomic<uint64_t> completed{0};
  int efd = eventfd(0, EFD_NONBLOCK);
  ASSERT_GE(efd, 0);
  // A runtime-owned fd is closed after its signal, so observe it through a duplicate.
  int observe = owned ? dup(efd) : efd;
  for (char step : order) {
    switch (step) {
      case 'S':
        completed.store(1, std::memory_order_seq_cst);
        break;
      case 'O':
        events.OnCompleted(1);
        break;
      case 'R':
        events.RegisterSeq(1, efd, owned, completed);
        break;
      case 'D':
        events.RegisterSeq(1, -1, false, completed);
        break;
    }
  }
  // Deregistration (D) only removes the application's registrations; owned ones stay armed.
  std::string effective = order;
  if (owned) effective.erase(std::remove(effective.begin(), effective.end(), 'D'), effective.end());
  EXPECT_EQ(Drain(observe), ExpectedSignals(effective));
  // Nothing is written later, e.g. by a second completion pass.
  events.OnCompleted(1);
  EXPECT_EQ(Drain(observe), 0u);
  if (!owned) {
    EXPECT_NE(fcntl(efd, F_GETFD), -1) << "application fds are never closed";
  }
  // An owned fd belongs to the runtime: it closed it after signalling (or does at destruction).
  close(observe);
}

TEST(CompletionEventsInterleavings, RegistrationAndCompletionInEveryOrderSignalExactlyOnce) {
  auto orders = AllowedOrders("SOR");
  EXPECT_EQ(orders.size(), 3u);
  for (const auto& o : orders) {
    Replay(o, false);
    EXPECT_EQ(ExpectedSignals(o), 1u) << o;
  }
}

TEST(CompletionEventsInterleavings, DeregistrationInEveryOrderNeverWritesAfterItReturns) {
  auto orders = AllowedOrders("SORD");
  EXPECT_EQ(orders.size(), 6u);
  for (const auto& o : orders) Replay(o, false);
}

TEST(CompletionEventsInterleavings, RuntimeOwnedHandlesSurviveApplicationDeregistration) {
  for (const auto& o : AllowedOrders("SORD")) Replay(o, true);
}

TEST(CompletionEventsInterleavings, UnitFdIsSignalledOncePerCompletionPass) {
  CompletionEvents events;
  int efd = eventfd(0, EFD_NONBLOCK);
  events.SetUnitFd(efd);
  events.OnCompleted(1);
  events.OnCompleted(2);
  EXPECT_EQ(Drain(efd), 2u);
  events.SetUnitFd(-1);
  events.OnCompleted(3);
  EXPECT_EQ(Drain(efd), 0u) << "no write after the unit fd was removed";
  close(efd);
}

}  // namespace
}  // namespace nrtb
