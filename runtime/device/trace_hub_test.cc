#include "runtime/device/trace_hub.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace nrtb {
namespace {

struct Recording : TraceSink {
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
  auto a = std::make_shared<Recording>();
  auto b = std::make_shared<Recording>();
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
  auto a = std::make_shared<Recording>();
  auto b = std::make_shared<Recording>();
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
  auto good = std::make_shared<Recording>();
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
