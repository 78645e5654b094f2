#include "runtime/device/trace_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace nrtb {
namespace {

struct LabelRecording : TraceSink {
  void OnRecord(const TraceRecord& r) override { labels.emplace_back(r.label); }
  std::vector<std::string> labels;
};

struct Throwing : TraceSink {
  void OnRecord(const TraceRecord&) override { throw std::runtime_error("sink failure"); }
};

TraceRecord Labelled(const char* label) {
  TraceRecord r;
  r.label = label;
  return r;
}

TEST(TraceHub, InactiveUntilASinkIsAttachedAndAfterTheLastIsDetached) {
  TraceHub hub;
  EXPECT_FALSE(hub.active());
  auto a = std::make_shared<LabelRecording>();
  auto b = std::make_shared<LabelRecording>();
  hub.Attach(a);
  hub.Attach(b);
  EXPECT_TRUE(hub.active());
  hub.Detach(a.get());
  EXPECT_TRUE(hub.active());
  hub.Detach(b.get());
  EXPECT_FALSE(hub.active());
}

TEST(TraceHub, EveryAttachedSinkGetsEveryRecordUntilDetached) {
  TraceHub hub;
  auto a = std::make_shared<LabelRecording>();
  auto b = std::make_shared<LabelRecording>();
  hub.Attach(a);
  hub.Emit(Labelled("one"));
  hub.Attach(b);
  hub.Emit(Labelled("two"));
  hub.Detach(a.get());
  hub.Emit(Labelled("three"));
  EXPECT_EQ(a->labels, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(b->labels, (std::vector<std::string>{"two", "three"}));
}

TEST(TraceHub, ASinkThatThrowsDoesNotStopTheOthersOrEscape) {
  TraceHub hub;
  auto bad = std::make_shared<Throwing>();
  auto good = std::make_shared<LabelRecording>();
  hub.Attach(bad);
  hub.Attach(good);
  EXPECT_NO_THROW(hub.Emit(Labelled("x")));
  EXPECT_EQ(good->labels, std::vector<std::string>{"x"});
}

TEST(TraceEventType, NamesRoundTrip) {
  for (int i = 0; i < kTraceEventTypeCount; ++i) {
    auto t = static_cast<TraceEventType>(i);
    EXPECT_EQ(ParseTraceEventType(TraceEventTypeName(t)), t);
  }
  EXPECT_FALSE(ParseTraceEventType("request"));
  EXPECT_FALSE(ParseTraceEventType(""));
}

}  // namespace
}  // namespace nrtb

namespace nrtb {
namespace {

struct Counting : TraceSink {
  void OnRecord(const TraceRecord&) override { n.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<uint64_t> n{0};
};

// Sinks come and go (sessions start and stop) while units emit.
TEST(TraceHub, AttachAndDetachWhileEmitting) {
  TraceHub hub;
  auto steady = std::make_shared<Counting>();
  hub.Attach(steady);
  std::atomic<bool> stop{false};
  std::vector<std::thread> emitters;
  std::atomic<uint64_t> emitted{0};
  for (int i = 0; i < 3; ++i) {
    emitters.emplace_back([&] {
      while (!stop.load()) {
        hub.Emit(Labelled("e"));
        emitted.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    auto s = std::make_shared<Counting>();
    hub.Attach(s);
    hub.Detach(s.get());
  }
  stop.store(true);
  for (auto& t : emitters) t.join();
  EXPECT_EQ(steady->n.load(), emitted.load());
}

}  // namespace
}  // namespace nrtb
