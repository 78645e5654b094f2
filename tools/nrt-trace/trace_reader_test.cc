#include "tools/nrt-trace/trace_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

#include "tools/nrt-trace/test_traces.h"

namespace nrttrace {
namespace {

using testing::TraceText;

TraceData Read(const std::string& text, const ReadLimits& limits = {}) {
  std::istringstream in(text);
  return ReadTrace(in, "t.json", limits);
}

// The message of the TraceError reading `text` throws ("" when it reads fine).
std::string ErrorOf(const std::string& text, const ReadLimits& limits = {}) {
  try {
    Read(text, limits);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

TEST(TraceReader, ReadsRequestsTransfersAndTrackNamesOfTheRuntimesFormat) {
  TraceText t;
  t.Request(0, 5, 100)
      .Request(10, 100, 150, 1, 1, "write", "NRT_EXEC_COMPLETED_WITH_ERR")
      .Transfer(200, 230, "read")
      .Raw(R"({"name":"schedule model","cat":"schedule","ph":"i","ts":0.000,"pid":0,"tid":16,"s":"t","args":{}})")
      .Raw(R"({"name":"load mlp","cat":"model","ph":"i","ts":1.5,"pid":0,"tid":241,"s":"t","args":{"model_id":1}})")
      .Raw(R"({"name":"unrecoverable","cat":"fatal","ph":"i","ts":3,"pid":0,"tid":16,"s":"t","args":{}})")
      .Raw(R"({"name":"thread_name","ph":"M","pid":0,"tid":16,"args":{"name":"compute q0"}})");
  TraceData d = Read(t.Json());
  ASSERT_EQ(d.requests.size(), 2u);
  ASSERT_EQ(d.tracks.size(), 2u);
  EXPECT_EQ(d.tracks[d.requests[0].track].name, "LNC 0 compute q0");
  EXPECT_EQ(d.tracks[d.requests[1].track].name, "LNC 1 tensor_op q1");  // no metadata: from the tid
  EXPECT_DOUBLE_EQ(d.requests[0].schedule, 0);
  EXPECT_DOUBLE_EQ(d.requests[0].start, 5);
  EXPECT_DOUBLE_EQ(d.requests[0].end, 100);
  EXPECT_TRUE(d.requests[0].ok);
  EXPECT_FALSE(d.requests[1].ok);
  EXPECT_EQ(d.labels[d.requests[1].label], "write");
  ASSERT_EQ(d.host_calls.size(), 2u);  // the transfer and the load
  EXPECT_DOUBLE_EQ(d.host_calls[0].start, 200);
  EXPECT_DOUBLE_EQ(d.host_calls[0].end, 230);
  EXPECT_DOUBLE_EQ(d.host_calls[1].end, 1.5);
  EXPECT_EQ(d.fatal_events, 1u);
  EXPECT_EQ(d.ignored_events, 1u);  // the schedule instant
}

TEST(TraceReader, AcceptsTheBareArrayForm) {
  TraceData d = Read(R"([{"name":"m","cat":"request","ph":"X","ts":1,"dur":2,"pid":0,"tid":16}])");
  ASSERT_EQ(d.requests.size(), 1u);
  EXPECT_DOUBLE_EQ(d.requests[0].schedule, 1);  // no queued_us: scheduled when it started
  EXPECT_DOUBLE_EQ(d.requests[0].end, 3);
}

TEST(TraceReader, IgnoresUnknownKeysNestedValuesAndOtherProducersEvents) {
  TraceData d = Read(R"({"meta":{"a":[1,{"b":2}]},"traceEvents":[
      {"name":"x","cat":"gpu","ph":"X","ts":1,"dur":2,"pid":"p","tid":"t","stack":[1,2]},
      {"name":"m","cat":"request","ph":"X","ts":1,"dur":2,"pid":0,"tid":16,"args":{"deep":{"queued_us":"no"}}}],
      "after":[true,null]})");
  EXPECT_EQ(d.requests.size(), 1u);
  EXPECT_EQ(d.ignored_events, 1u);
}

// Each malformed input gets a TraceError whose message names the file and contains `expected`.
struct BadCase {
  const char* text;
  const char* expected;
};

TEST(TraceReader, RejectsMalformedFilesNamingTheProblem) {
  const BadCase cases[] = {
      {"", "not valid JSON"},
      {"{\"traceEvents\":[", "not valid JSON"},
      {"{\"traceEvents\":[]} trailing", "not valid JSON"},
      {"{\"traceEvents\":[\"\xff\"]}", "not valid JSON"},
      {"{}", "no \"traceEvents\" array"},
      {"42", "no \"traceEvents\" array"},
      {"{\"traceEvents\":{}}", "\"traceEvents\" is not an array"},
      {"{\"traceEvents\":7}", "\"traceEvents\" is not an array"},
      {"{\"traceEvents\":[],\"traceEvents\":[]}", "more than one"},
      {"{\"traceEvents\":[{\"ph\":\"M\"},3]}", "traceEvents[1] is not an object"},
      {"{\"traceEvents\":[[1]]}", "traceEvents[0] is not an object"},
      {"{\"traceEvents\":[{\"name\":\"a\"}]}", "traceEvents[0]: no \"ph\""},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1,"pid":0,"tid":16}]})",
       "without a finite, non-negative \"dur\""},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1,"dur":-1,"pid":0,"tid":16}]})", "non-negative \"dur\""},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":"1","dur":1,"pid":0,"tid":16}]})", "\"ts\" is missing"},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1e308,"dur":1e308,"pid":0,"tid":16}]})", "overflows"},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1,"dur":1,"tid":16}]})", "numeric \"pid\" and \"tid\""},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1,"dur":1,"pid":-1,"tid":16}]})", "numeric \"pid\""},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1,"dur":1,"pid":0,"tid":1e3}]})", "numeric \"pid\""},
      {R"({"traceEvents":[{"cat":"request","ph":"X","ts":1,"dur":1,"pid":0,"tid":16,"args":{"queued_us":-5}}]})",
       "queued_us"},
  };
  for (const BadCase& c : cases) {
    std::string error = ErrorOf(c.text);
    EXPECT_NE(error.find("t.json: "), std::string::npos) << c.text << " -> " << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.text << " -> " << error;
  }
}

TEST(TraceReader, BoundsNestingTokensEventsTracksAndLabels) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  EXPECT_NE(ErrorOf(deep).find("nested deeper than 64"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"traceEvents\":[{\"args\":" + deep).find("nested deeper than 64"), std::string::npos);
  ReadLimits small;
  small.max_token_bytes = 100;
  std::string long_name = R"({"traceEvents":[{"name":")" + std::string(101, 'a') + "\"}]}";
  EXPECT_NE(ErrorOf(long_name, small).find("longer than 100 bytes at byte 25"), std::string::npos)
      << ErrorOf(long_name, small);
  EXPECT_EQ(ErrorOf(R"({"traceEvents":[{"name":")" + std::string(100, 'a') + R"(","ph":"M"}]})", small), "");
  EXPECT_NE(ErrorOf("[" + std::string(101, '1') + "]", small).find("longer than 100"), std::string::npos);

  TraceText three;
  three.Request(0, 0, 1).Request(1, 1, 2, 0, 17).Transfer(3, 4);
  ReadLimits two_events;
  two_events.max_kept_events = 2;
  EXPECT_NE(ErrorOf(three.Json(), two_events).find("more than 2 requests and host calls"), std::string::npos);
  ReadLimits one_track;
  one_track.max_tracks = 1;
  EXPECT_NE(ErrorOf(three.Json(), one_track).find("more than 1 execution-unit tracks"), std::string::npos);

  TraceText names;
  names.Request(0, 0, 1, 0, 16, "a").Request(1, 1, 2, 0, 16, "b").Request(2, 2, 3, 0, 16, "c");
  ReadLimits two_labels;
  two_labels.max_labels = 2;
  TraceData d = Read(names.Json(), two_labels);
  EXPECT_EQ(d.labels[d.requests[0].label], "a");
  EXPECT_EQ(d.labels[d.requests[1].label], "b");
  EXPECT_EQ(d.labels[d.requests[2].label], "(other)");
}

TEST(TraceReader, CutsNamesAtACharacterBoundaryAndMasksControlCharacters) {
  std::string name = "x";                          // odd: byte 256 falls inside a two-byte character
  for (int i = 0; i < 200; ++i) name += "\u00e9";  // 2 bytes each in UTF-8: 400 bytes
  TraceText t;
  t.Request(0, 0, 1, 0, 16, "a\\u0001b").Request(0, 0, 1, 0, 16, name);
  TraceData d = Read(t.Json());
  EXPECT_EQ(d.labels[d.requests[0].label], "a?b");
  EXPECT_EQ(d.labels[d.requests[1].label].size(), 255u);
}

// Hostile input: every prefix and thousands of random byte mutations of a valid trace either read or
// throw TraceError; nothing else escapes, nothing crashes (ASan/UBSan run this too).
TEST(TraceReader, MutatedTracesReadOrFailCleanly) {
  TraceText t;
  t.Request(0, 5, 100).Request(10, 100, 150, 1, 1, "w\u00e9", "NRT_TIMEOUT").Transfer(200, 230);
  t.Raw(R"({"name":"thread_name","ph":"M","pid":0,"tid":16,"args":{"name":"compute q0"}})");
  const std::string valid = t.Json();
  static const char kAlphabet[] = "{}[]:,\"\\0123456789.-eE+ tfnurlaX\x00\xff\xc3";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  std::mt19937 rng(20261130);
  int read = 0, rejected = 0;
  for (size_t n = 0; n <= valid.size(); ++n) {
    try {
      Read(valid.substr(0, n));
      ++read;
    } catch (const TraceError&) {
      ++rejected;
    }
  }
  for (int round = 0; round < 4000; ++round) {
    std::string s = valid;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          s.erase(at, 1 + rng() % 8);
          break;
        default:
          s.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
      if (s.empty()) s = "x";
    }
    try {
      Read(s);
      ++read;
    } catch (const TraceError&) {
      ++rejected;
    }
  }
  EXPECT_GT(read, 0);
  EXPECT_GT(rejected, 1000);
}

TEST(TraceReader, MissingFileIsNamed) {
  try {
    ReadTraceFile("/nonexistent/trace.json");
    FAIL() << "no error";
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/trace.json: cannot open"), std::string::npos);
  }
}

}  // namespace
}  // namespace nrttrace
