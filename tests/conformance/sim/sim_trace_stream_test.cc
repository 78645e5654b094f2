// NRT_SIM_TRACE streams the trace while the runtime runs (defect 3: it used to keep ~3 KiB of heap
// per request until nrt_close) and still writes every request into a valid JSON file at nrt_close.
#include <malloc.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nrtest.h"
#include "nrtest/sanitizers.h"

using namespace nrtest;
using nlohmann::json;

namespace {

// Schedules `n` 4-byte writes on lnc 0 tensor_op queue 0 in batches below the queue depth.
void RunWrites(nrt_tensor_t* t, uint64_t n) {
  constexpr uint64_t kBatch = 32;
  uint32_t v = 7;
  std::vector<NRT_STATUS> rets(kBatch);
  for (uint64_t done = 0; done < n; done += kBatch) {
    nrta_seq_t last = 0;
    for (uint64_t i = 0; i < kBatch; ++i) ASSERT_EQ(nrta_tensor_write(t, &v, 0, 4, 0, 0, &rets[i], &last), NRT_SUCCESS);
    ASSERT_TRUE(WaitSeq(last, 60.0));
  }
}

// Bytes allocated by malloc, including the large blocks it serves with mmap.
size_t HeapInUse() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

}  // namespace

TEST(SimTraceStream, HeapStaysBoundedOverManyRequestsAndEveryRequestIsInTheFile) {
  const std::string path = TempPath("stream_trace.json");
  std::remove(path.c_str());
  SetEnv("NRT_SIM_TRACE", path.c_str());
  SetEnv("NRT_SIM_DMA_LATENCY_US", "0");
  // Under a sanitizer malloc is the sanitizer's, which mallinfo2 does not see: the heap check holds trivially
  // there, and what the run still checks (every request in the file; races, under TSan) needs fewer requests.
  // Both counts are whole batches of RunWrites.
  constexpr uint64_t kWarmUp = 2048, kRequests = NRTEST_UNDER_ASAN || NRTEST_UNDER_TSAN ? 10'240 : 100'000;
  {
    NRTEST_INIT(rt);
    Tensor t(0, 16);
    ASSERT_EQ(t.status(), NRT_SUCCESS);
    RunWrites(t, kWarmUp);
    const size_t before = HeapInUse();
    RunWrites(t, kRequests);
    const size_t after = HeapInUse();
    // Generous bound: the writer's buffer is 64 KiB; keeping even 40 bytes per request would be 4 MB.
    EXPECT_LT(after > before ? after - before : 0, size_t{2} << 20) << "heap grew with the number of requests";
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "no trace at " << path;
  json doc;
  ASSERT_NO_THROW(doc = json::parse(in)) << "the trace is not valid JSON";
  uint64_t requests = 0, schedules = 0;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "request") ++requests;
    if (e["ph"] == "i" && e["cat"] == "schedule") ++schedules;
  }
  EXPECT_EQ(requests, kWarmUp + kRequests);
  EXPECT_EQ(schedules, kWarmUp + kRequests);
  EXPECT_EQ(doc["otherData"]["requests"].get<uint64_t>(), kWarmUp + kRequests);
  std::remove(path.c_str());
}
