// Builds small traces in the runtime's NRT_SIM_TRACE format for the nrt-trace unit tests.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace nrttrace::testing {

struct TraceText {
  std::vector<std::string> events;

  // A request on LNC `pid`, unit track `tid` (compute q0 = 16), as PerfettoWriter writes it.
  TraceText& Request(double schedule, double start, double end, int pid = 0, int tid = 16,
                     const std::string& name = "model", const std::string& status = "NRT_SUCCESS") {
    std::ostringstream e;
    e << R"({"name":")" << name << R"(","cat":"request","ph":"X","ts":)" << start << R"(,"pid":)" << pid << R"(,"tid":)"
      << tid << R"(,"dur":)" << end - start << R"(,"args":{"seq_num":1,"seq":1,"status":")" << status
      << R"(","queued_us":)" << start - schedule << "}}";
    events.push_back(e.str());
    return *this;
  }
  // A synchronous tensor transfer (track 240).
  TraceText& Transfer(double start, double end, const std::string& name = "write") {
    std::ostringstream e;
    e << R"({"name":")" << name << R"(","cat":"tensor_op","ph":"X","ts":)" << start << R"(,"pid":0,"tid":240,"dur":)"
      << end - start << R"(,"args":{"tensor":"t","bytes":16}})";
    events.push_back(e.str());
    return *this;
  }
  TraceText& Raw(const std::string& event) {
    events.push_back(event);
    return *this;
  }
  std::string Json() const {
    std::string out = "{\"traceEvents\":[\n";
    for (size_t i = 0; i < events.size(); ++i) out += (i == 0 ? "" : ",\n") + events[i];
    out += "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"nrt-bridge\"}}\n";
    return out;
  }
};

}  // namespace nrttrace::testing
