#include "tools/nrt-trace/svg_timeline.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tools/nrt-trace/test_traces.h"
#include "tools/nrt-trace/trace_reader.h"

namespace nrttrace {
namespace {

using testing::TraceText;

std::string Svg(const TraceText& t, SvgOptions options = {}) {
  std::istringstream in(t.Json());
  TraceData d = ReadTrace(in, "t.json");
  std::ostringstream out;
  WriteSvg(d, options, out);
  return out.str();
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST(SvgTimeline, HasHostLaneUnitLanesBarsAxisAndLegend) {
  TraceText t;
  t.Request(0, 0, 100).Request(10, 100, 200, 0, 16, "m", "NRT_TIMEOUT").Request(0, 0, 50, 0, 1, "write");
  SvgOptions options;
  options.title = "a <b> & c";
  std::string svg = Svg(t, options);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find(">host (runtime calls)<"), std::string::npos);
  EXPECT_NE(svg.find(">LNC 0 compute q0<"), std::string::npos);
  EXPECT_NE(svg.find(">LNC 0 tensor_op q1<"), std::string::npos);
  EXPECT_LT(svg.find(">LNC 0 tensor_op q1<"), svg.find(">LNC 0 compute q0<"));  // tid order
  EXPECT_NE(svg.find("a &lt;b&gt; &amp; c"), std::string::npos);
  EXPECT_EQ(Count(svg, "fill=\"#de2d26\" stroke"), 1u);  // the failed request
  EXPECT_EQ(Count(svg, "fill=\"#3182bd\" stroke"), 2u);  // the two that succeeded
  EXPECT_EQ(Count(svg, "fill=\"#c6dbef\">"), 1u);        // the one that waited in the queue
  EXPECT_NE(svg.find(">0 us<"), std::string::npos);
  EXPECT_NE(svg.find(">200 us<"), std::string::npos);
  EXPECT_NE(svg.find(">schedule call<"), std::string::npos);
  EXPECT_NE(svg.find("host blocked in a runtime call"), std::string::npos);
}

TEST(SvgTimeline, MergesBarsCloserThanHalfAPixel) {
  TraceText t;
  for (int i = 0; i < 20000; ++i) t.Request(i * 10, i * 10, i * 10 + 9);
  SvgOptions options;
  options.width = 1000;
  std::string svg = Svg(t, options);
  EXPECT_LE(Count(svg, "fill=\"#3182bd\" stroke"), 800u);  // at most one bar per half pixel of an 790-pixel plot
  EXPECT_GE(Count(svg, "fill=\"#3182bd\" stroke"), 1u);

  TraceText wide;  // back to back, each tens of pixels wide: drawn one by one
  for (int i = 0; i < 10; ++i) wide.Request(i * 100, i * 100, i * 100 + 100);
  EXPECT_EQ(Count(Svg(wide, options), "fill=\"#3182bd\" stroke"), 10u);
}

TEST(SvgTimeline, WindowDropsBarsOutsideIt) {
  TraceText t;
  t.Request(0, 0, 100, 0, 16, "early").Request(1000, 1000, 1100, 0, 16, "late");
  SvgOptions options;
  options.window.from_us = 900;
  options.window.to_us = 1200;
  std::string svg = Svg(t, options);
  EXPECT_EQ(svg.find("early"), std::string::npos);
  EXPECT_NE(svg.find("late: 100.0 us"), std::string::npos);
}

}  // namespace
}  // namespace nrttrace
