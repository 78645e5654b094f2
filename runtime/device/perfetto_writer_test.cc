#include "runtime/device/perfetto_writer.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "nrtest/sanitizers.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

using nlohmann::json;

std::string TempPath(const char* name) {
  return ::testing::TempDir() + "/perfetto_writer_" + std::to_string(getpid()) + "_" + name;
}

bool Exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

json Parse(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);  // throws (fails the test) when the file is not valid JSON / UTF-8
}

TraceRecord Request(uint64_t n, std::string_view label, NRT_STATUS status = NRT_SUCCESS) {
  TraceRecord r;
  r.kind = TraceKind::kRequest;
  r.lnc = 1;
  r.xu_id = MakeXuId(1, XuType::kCompute, 0);
  r.seq_num = n;
  r.schedule_ns = 1000 + n * 100;
  r.start_ns = r.schedule_ns + 10;
  r.end_ns = r.start_ns + 50;
  r.status = status;
  r.label = label;
  return r;
}

// Bytes allocated by malloc, including the large blocks it serves with mmap.
size_t HeapInUse() {
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

TEST(PerfettoWriter, FileAppearsOnlyAtFinishAndHoldsEveryEvent) {
  std::string path = TempPath("basic.json");
  auto w = PerfettoWriter::Open(path, "test", 0);
  ASSERT_TRUE(w);
  for (uint64_t n = 1; n <= 3; ++n) w->Write(Request(n, "model"));
  EXPECT_FALSE(Exists(path));
  EXPECT_TRUE(Exists(path + ".tmp." + std::to_string(getpid())));
  ASSERT_TRUE(w->Finish());
  EXPECT_FALSE(Exists(path + ".tmp." + std::to_string(getpid())));
  json doc = Parse(path);
  int x = 0, i = 0;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X") {
      ++x;
      EXPECT_EQ(e["name"], "model");
      EXPECT_EQ(e["pid"], 1);
      EXPECT_EQ(e["tid"], 16);
      EXPECT_EQ(e["args"]["status"], "NRT_SUCCESS");
    }
    if (e["ph"] == "i") ++i;
  }
  EXPECT_EQ(x, 3);
  EXPECT_EQ(i, 3);
  EXPECT_EQ(doc["otherData"]["requests"], 3);
  std::remove(path.c_str());
}

TEST(PerfettoWriter, NamesThatAreNotUtf8StillGiveValidJson) {
  std::string path = TempPath("utf8.json");
  auto w = PerfettoWriter::Open(path, "test", 0);
  ASSERT_TRUE(w);
  w->Write(Request(1, "bad\xFF\xC0name\"\n"));
  TraceRecord op;
  op.kind = TraceKind::kTensorOp;
  op.label = "read";
  op.detail = "\xED\xA0\x80tensor";
  w->Write(op);
  ASSERT_TRUE(w->Finish());
  json doc = Parse(path);
  bool found = false;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "request") {
      EXPECT_EQ(e["name"], "bad\xEF\xBF\xBD\xEF\xBF\xBDname\"\n");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  std::remove(path.c_str());
}

// Defect 3: the trace used to hold ~3 KiB of heap per request until nrt_close.
TEST(PerfettoWriter, HeapStaysBoundedOverManyRecords) {
  std::string path = TempPath("bounded.json");
  auto w = PerfettoWriter::Open(path, "test", 0);
  ASSERT_TRUE(w);
  for (uint64_t n = 1; n <= 1000; ++n) w->Write(Request(n, "warm-up"));
  size_t before = HeapInUse();
  // Under a sanitizer malloc is the sanitizer's, which mallinfo2 does not see: the heap check holds trivially
  // there, and what the run still checks (every record in the file; races, under TSan) needs far fewer records.
  constexpr uint64_t kRecords = NRTEST_UNDER_ASAN || NRTEST_UNDER_TSAN ? 20'000 : 200'000;
  for (uint64_t n = 1001; n <= 1000 + kRecords; ++n) w->Write(Request(n, "a_model_with_a_long_name"));
  size_t after = HeapInUse();
  // Generous: the old writer kept >= 100 bytes per record (20 MB here).
  EXPECT_LT(after > before ? after - before : 0, 1u << 20);
  ASSERT_TRUE(w->Finish());
  json doc = Parse(path);
  EXPECT_EQ(doc["otherData"]["requests"].get<uint64_t>(), 1000 + kRecords);
  std::remove(path.c_str());
}

TEST(PerfettoWriter, FinishWithoutKeepRemovesTheFile) {
  std::string path = TempPath("discard.json");
  auto w = PerfettoWriter::Open(path, "test", 0);
  ASSERT_TRUE(w);
  w->Write(Request(1, "m"));
  EXPECT_TRUE(w->Finish(false));
  EXPECT_FALSE(Exists(path));
  EXPECT_FALSE(Exists(path + ".tmp." + std::to_string(getpid())));
}

TEST(PerfettoWriter, UnwritableDirectoryIsReportedNotThrown) {
  ::testing::internal::CaptureStderr();
  auto w = PerfettoWriter::Open("/nonexistent-dir/x/trace.json", "test", 0);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(w);
}

TEST(PerfettoWriter, EventMaskSelectsEvents) {
  std::string path = TempPath("mask.json");
  auto w = PerfettoWriter::Open(path, "test", 0);
  ASSERT_TRUE(w);
  w->Write(Request(1, "m"), Bit(TraceEventType::kRequestSchedule));
  w->Write(Request(2, "m", NRT_EXEC_OOB), Bit(TraceEventType::kRequestError));
  ASSERT_TRUE(w->Finish());
  json doc = Parse(path);
  int x = 0, i = 0;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X") {
      ++x;
      EXPECT_EQ(e["args"]["status"], "NRT_EXEC_OOB");
    }
    if (e["ph"] == "i") ++i;
  }
  EXPECT_EQ(x, 1);
  EXPECT_EQ(i, 1);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace nrtb
