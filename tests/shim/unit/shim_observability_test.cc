// Trace and profile calls drain first in implicit mode: what a synchronous program executed before the call is
// in the trace (and nothing executed before a start).
#include "nrt/nrt_sys_trace.h"
#include "shim_test_util.h"

using namespace nrtest;
using namespace shimtest;

namespace {
std::string FetchText() {
  char* buffer = nullptr;
  size_t size = 0;
  EXPECT_EQ(nrt_sys_trace_fetch_events(&buffer, &size, nullptr), NRT_SUCCESS);
  std::string text = buffer != nullptr ? std::string(buffer, size) : "";
  nrt_sys_trace_buffer_free(buffer);
  return text;
}
size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}
}  // namespace

TEST(ShimObservability, SysTraceSeesExactlyTheExecutionsBetweenStartAndFetch) {
  EnableImplicit(3);
  SetEnv("NRT_SIM_EXEC_TIME_US", "3000");  // long enough that an undrained fetch would miss the request's end
  NRTEST_INIT(rt);
  AsyncModel m("async_scale", 0);
  ASSERT_EQ(m.m.status(), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);  // before the start: must not be in the trace
  ASSERT_EQ(nrt_sys_trace_start(nullptr), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(m.m, m.is, m.os), NRT_SUCCESS);
  const std::string text = FetchText();
  EXPECT_EQ(Count(text, "\"request_end\""), 1u) << text;
  EXPECT_EQ(Count(text, "\"request_start\""), 1u) << text;
  ASSERT_EQ(nrt_sys_trace_stop(), NRT_SUCCESS);
}
