// NEFFs crafted to make the parsers spend memory or time (issue 6, defects 2, 4 and 5): each must be
// refused with NRT_INVALID quickly and without a large peak in memory. Every case is parsed in a forked
// child, whose peak RSS growth (getrusage maxrss) and elapsed time are what the parent checks; the
// bounds are generous (a loaded machine, sanitizers), the unbounded parsers went far past them.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <cstring>
#include <functional>
#include <string>

#include "runtime/core/error.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/neff_file.h"
#include "runtime/neff/neff_testutil.h"

namespace nrtb {
namespace {

// Sanitizers slow parsing down and hold freed memory in quarantine: the bounds stretch by this much.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kSanitizerSlack = 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr int kSanitizerSlack = 4;
#else
constexpr int kSanitizerSlack = 1;
#endif
#else
constexpr int kSanitizerSlack = 1;
#endif

constexpr double kMaxSeconds = 5.0 * kSanitizerSlack;
constexpr long kMaxPeakGrowthKiB = (160 << 10) * kSanitizerSlack;

struct ChildOutcome {
  int status = -1;     // NRT_STATUS, or -1 for an exception that is not an Error
  double seconds = 0;  // CPU time of the parse: unlike wall time, other work on a loaded machine hardly changes it
  long peak_growth_kib = 0;
  char message[480] = {};
};

long MaxRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// CPU time of this process (the forked child has one thread: the parse).
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs `parse` in a forked child and reports how it ended, the CPU time it took and how far the child's
// peak RSS rose above what it had at the start (its copy of the input included).
ChildOutcome RunInChild(const std::function<void()>& parse) {
  int fds[2];
  if (pipe(fds) != 0) ADD_FAILURE() << "pipe: " << std::strerror(errno);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildOutcome o;
    const long rss_before = MaxRssKiB();
    const double start = CpuSeconds();
    try {
      parse();
      o.status = NRT_SUCCESS;
    } catch (const Error& e) {
      o.status = e.status();
      std::snprintf(o.message, sizeof o.message, "%s", e.what());
    } catch (const std::exception& e) {
      std::snprintf(o.message, sizeof o.message, "%s", e.what());
    }
    o.seconds = CpuSeconds() - start;
    o.peak_growth_kib = MaxRssKiB() - rss_before;
    const ssize_t n = write(fds[1], &o, sizeof o);
    _exit(n == static_cast<ssize_t>(sizeof o) ? 0 : 1);
  }
  close(fds[1]);
  ChildOutcome o;
  size_t got = 0;
  while (got < sizeof o) {
    const ssize_t n = read(fds[0], reinterpret_cast<char*>(&o) + got, sizeof o - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "child died, wait status " << wstatus;
  EXPECT_EQ(got, sizeof o);
  return o;
}

// A real-like NEFF with `path` replaced by `contents`.
std::string NeffWith(const std::string& path, std::string contents) {
  auto members = testutil::RealLikeMembers();
  testutil::SetMember(members, path, std::move(contents));
  return testutil::AssembleNeff(members, testutil::RealLikeOptions());
}

void ExpectQuickInvalid(const std::string& image, const std::string& message_part) {
  ASSERT_LT(image.size(), 512u << 10) << "the hostile NEFF itself should be small";
  const ChildOutcome o = RunInChild([&] { ParseNeff(image.data(), image.size()); });
  EXPECT_EQ(o.status, NRT_INVALID) << o.message;
  EXPECT_NE(std::string(o.message).find(message_part), std::string::npos) << o.message;
  EXPECT_LT(o.seconds, kMaxSeconds);
  EXPECT_LT(o.peak_growth_kib, kMaxPeakGrowthKiB) << o.message;
  std::printf("[ measured ] %zu-byte NEFF: %.3f s, peak RSS +%ld KiB: %s\n", image.size(), o.seconds, o.peak_growth_kib,
              o.message);
}

std::string Repeat(std::string_view unit, size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// ~5 MiB of "[[[[...": once 3.7 GiB of DOM for the unbounded parser.
TEST(HostileNeff, DeeplyNestedNeffJsonIsRefusedEarly) {
  ExpectQuickInvalid(NeffWith("./neff.json", "{\"nodes\": " + Repeat("[", 5 << 20)),
                     "neff.json: nesting deeper than 32 levels");
}

// 15 MiB of small values in one array (within the text cap): 7.8M DOM values.
TEST(HostileNeff, HugeArrayOfSmallValuesInNeffJsonIsRefused) {
  ExpectQuickInvalid(NeffWith("./neff.json", "{\"metadata\": [" + Repeat("0,", 7800000) + "0]}"),
                     "neff.json: more than 1048576 JSON elements");
}

TEST(HostileNeff, EmptyContainersInNeffJsonAreCounted) {
  ExpectQuickInvalid(NeffWith("./neff.json", "{\"metadata\": [" + Repeat("{},", 5000000) + "{}]}"),
                     "neff.json: more than 1048576 JSON elements");
}

// Inside `var`, where def.json members are kept: 40 MiB of empty arrays.
TEST(HostileNeff, HugeVarTableInDefJsonIsRefused) {
  ExpectQuickInvalid(NeffWith("./sg00/def.json", "{\"var\": {\"x\": {\"type\": [" + Repeat("[],", 13000000) + "[]]}}}"),
                     "sg00/def.json: more than 1048576 JSON elements");
}

// What the runtime does not read of def.json is dropped while parsing and costs no memory: 13 MiB of
// empty objects (4.5M, far over the element cap) outside `var` parse within the bounds and are accepted.
TEST(HostileNeff, UnreadDefJsonMembersCostNoMemory) {
  const std::string def = "{\"dma_queue\": [" + Repeat("{},", 4500000) + "{}], \"var\": {}}";
  const std::string image = NeffWith("./sg00/def.json", def);
  const ChildOutcome o = RunInChild([&] { ParseNeff(image.data(), image.size()); });
  EXPECT_EQ(o.status, NRT_SUCCESS) << o.message;
  EXPECT_LT(o.peak_growth_kib, kMaxPeakGrowthKiB);
  EXPECT_LT(o.seconds, kMaxSeconds);
  std::printf("[ measured ] %zu-byte NEFF, 13 MiB def.json: %.3f s, peak RSS +%ld KiB\n", image.size(), o.seconds,
              o.peak_growth_kib);
}

TEST(HostileNeff, OversizedNeffJsonIsRefusedBeforeParsing) {
  ExpectQuickInvalid(NeffWith("./neff.json", "{\"metadata\": \"" + std::string(17 << 20, 'a') + "\"}"),
                     "bytes exceeds the 16777216-byte limit");
}

// A long string is one element: the text cap bounds it.
TEST(HostileNeff, LongTensorNameIsRefused) {
  std::string json = testutil::RealLikeNeffJson();
  json.replace(json.find("\"x\""), 3, "\"" + std::string(15 << 20, 'x') + "\"");
  ExpectQuickInvalid(NeffWith("./neff.json", json), "at most 255 allowed");
}

// Defect 5: 16 MiB of zeros behind two gzip layers.
TEST(HostileNeff, GzipInsideGzipIsRefused) {
  auto members = testutil::RealLikeMembers();
  members.push_back({"cpu/big.npy", std::string(16 << 20, '\0')});
  const std::string inner = WriteNeffArchive(members, NeffCompression::kGzip);
  ExpectQuickInvalid(testutil::AssembleNeff(testutil::GzipBytes(inner), testutil::RealLikeOptions()),
                     "a NEFF has one gzip layer");
}

// 128 MiB of zeros (~128 KiB of gzip) in a skipped member: inflating it is refused by the ratio cap.
TEST(HostileNeff, InflatedBytesAreBoundedByTheCompressionRatio) {
  auto members = testutil::RealLikeMembers();
  members.push_back({"./sg00/PE2.bin", std::string(size_t{128} << 20, '\0')});
  ExpectQuickInvalid(testutil::AssembleNeff(members, testutil::RealLikeOptions()), "compression ratio limit");
}

// Defect 2: names from the file are printable UTF-8 or the NEFF is refused.
TEST(HostileNeff, ModelNameThatIsNotUtf8IsRefused) {
  auto options = testutil::RealLikeOptions();
  options.name = "bad\xff\xfename";
  EXPECT_NE(testutil::AssembleNeff(testutil::RealLikeMembers(), options).size(), 0u);
  ExpectQuickInvalid(testutil::AssembleNeff(testutil::RealLikeMembers(), options),
                     "NEFF header: the model name is not valid UTF-8");
  options.name = "tab\there";
  ExpectQuickInvalid(testutil::AssembleNeff(testutil::RealLikeMembers(), options),
                     "NEFF header: the model name contains a control character");
  options.name = "r\xc3\xa9sum\xc3\xa9 \xe6\xa8\xa1\xe5\x9e\x8b";  // "résumé 模型"
  const std::string ok = testutil::AssembleNeff(testutil::RealLikeMembers(), options);
  EXPECT_EQ(ParseNeff(ok.data(), ok.size()).name, options.name);
}

TEST(HostileNeff, TensorNameWithControlCharacterIsRefused) {
  std::string json = testutil::RealLikeNeffJson();
  json.replace(json.find("\"x\""), 3, "\"x\\u0007\"");
  ExpectQuickInvalid(NeffWith("./neff.json", json), "arg_nodes[0] name contains a control character");
  json = testutil::RealLikeNeffJson();
  json.replace(json.find("\"x\""), 3, "\"x\xc2\x85\"");  // U+0085, a C1 control
  ExpectQuickInvalid(NeffWith("./neff.json", json), "arg_nodes[0] name contains a control character");
}

// cpu/graph.json within its 64 MiB text cap: 30M inline values were 1.2 GiB of DOM.
TEST(HostileNeff, HugeInlineConstantInGraphJsonIsRefused) {
  const std::string graph = R"({"name": "g", "inputs": [], "constants": [{"name": "c", "dtype": "float32",
      "shape": [30000000], "values": [)" +
                            Repeat("0,", 30000000) + R"(0]}], "nodes": [], "outputs": ["c"]})";
  const ChildOutcome o = RunInChild([&] { CpuGraph::Parse(graph, {}); });
  EXPECT_EQ(o.status, NRT_INVALID) << o.message;
  EXPECT_NE(std::string(o.message).find("cpu/graph.json: more than 2097152 JSON elements"), std::string::npos)
      << o.message;
  EXPECT_LT(o.seconds, kMaxSeconds);
  EXPECT_LT(o.peak_growth_kib, kMaxPeakGrowthKiB);
  std::printf("[ measured ] 60 MiB graph.json: %.3f s, peak RSS +%ld KiB: %s\n", o.seconds, o.peak_growth_kib,
              o.message);
}

}  // namespace
}  // namespace nrtb
