// nrt-trace summary: the numbers of analysis.h as a table, or as JSON with --json.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/nrt-trace/analysis.h"
#include "tools/nrt-trace/commands.h"
#include "tools/nrt-trace/trace_reader.h"

namespace po = boost::program_options;

namespace nrttrace {
namespace {

nlohmann::json PercentilesJson(const Percentiles& p) {
  return {{"count", p.count}, {"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}};
}

void PrintJson(const std::string& path, const Summary& s) {
  nlohmann::json units = nlohmann::json::array();
  for (const UnitStats& u : s.units) {
    units.push_back({{"name", u.name},
                     {"requests", u.requests},
                     {"failed", u.failed},
                     {"busy_us", u.busy_us},
                     {"utilisation", u.utilisation},
                     {"latency_us", PercentilesJson(u.latency_us)}});
  }
  nlohmann::json j = {
      {"trace", path},
      {"window_us", {{"from", s.begin_us}, {"to", s.end_us}, {"span", s.span_us}}},
      {"requests", s.requests},
      {"failed", s.failed},
      {"host_calls", s.host_calls},
      {"fatal_events", s.fatal_events},
      {"units", units},
      {"host_device",
       {{"device_busy_us", s.device_busy_us},
        {"host_blocked_us", s.host_blocked_us},
        {"synchronous_requests", s.synchronous_requests},
        {"overlap_us", s.overlap_us},
        {"overlap_fraction", s.overlap_fraction}}},
      {"in_flight", {{"max", s.max_in_flight}, {"mean", s.mean_in_flight}}},
      {"latency_us", PercentilesJson(s.latency_us)},
  };
  // Replace, not throw, on a name that is not valid UTF-8 (the reader has cut names at a boundary).
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintTable(const std::string& path, const Summary& s) {
  auto ms = [](double us) { return us / 1000.0; };
  std::printf("trace      %s\n", path.c_str());
  std::printf("window     %.3f .. %.3f ms (span %.3f ms)\n", ms(s.begin_us), ms(s.end_us), ms(s.span_us));
  std::printf("requests   %llu (%llu failed), %llu synchronous host calls, %llu unit failures\n\n",
              static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(s.failed),
              static_cast<unsigned long long>(s.host_calls), static_cast<unsigned long long>(s.fatal_events));
  std::printf("%-28s %9s %7s %11s %7s %10s %10s\n", "execution unit", "requests", "failed", "busy ms", "util %",
              "p50 ms", "p99 ms");
  for (const UnitStats& u : s.units) {
    std::printf("%-28s %9llu %7llu %11.3f %7.1f %10.3f %10.3f\n", u.name.c_str(),
                static_cast<unsigned long long>(u.requests), static_cast<unsigned long long>(u.failed), ms(u.busy_us),
                u.utilisation * 100, ms(u.latency_us.p50), ms(u.latency_us.p99));
  }
  std::printf("\nhost/device\n");
  std::printf("  device busy (any unit)    %11.3f ms\n", ms(s.device_busy_us));
  std::printf("  host blocked in runtime   %11.3f ms  (%llu synchronous requests + synchronous calls)\n",
              ms(s.host_blocked_us), static_cast<unsigned long long>(s.synchronous_requests));
  std::printf("  overlap                   %11.3f ms  = %.1f %% of device-busy time\n", ms(s.overlap_us),
              s.overlap_fraction * 100);
  std::printf("  requests in flight        max %u, mean %.2f\n", s.max_in_flight, s.mean_in_flight);
  std::printf("\nrequest latency, schedule -> end (ms, %llu requests)\n",
              static_cast<unsigned long long>(s.latency_us.count));
  std::printf("  p50 %.3f   p90 %.3f   p99 %.3f   max %.3f\n", ms(s.latency_us.p50), ms(s.latency_us.p90),
              ms(s.latency_us.p99), ms(s.latency_us.max));
}

}  // namespace

int RunSummary(int argc, char** argv) {
  po::options_description visible("nrt-trace summary [options] trace.json");
  std::string from, to;
  visible.add_options()("help,h", "show this help")("json", "print JSON instead of a table")(
      "from", po::value(&from), "start of the window (trace time)")("to", po::value(&to), "end of the window");
  po::options_description all;
  std::string path;
  all.add(visible).add_options()("trace", po::value(&path));
  po::positional_options_description positional;
  positional.add("trace", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help") != 0) {
    std::cout << visible << "\nPer execution unit: requests, busy time, utilisation, latency; host/device overlap;\n"
              << "requests in flight; request latency percentiles.\n\n"
              << kDefinitions;
    return kExitOk;
  }
  if (path.empty()) throw UsageError("no trace file given");
  Window window;
  if (!from.empty()) window.from_us = ParseTime(from, "from");
  if (!to.empty()) window.to_us = ParseTime(to, "to");
  if (window.from_us && window.to_us && *window.to_us <= *window.from_us)
    throw UsageError("--to must be later than --from");
  Summary s = Summarize(ReadTraceFile(path), window);
  if (vm.count("json") != 0) {
    PrintJson(path, s);
  } else {
    PrintTable(path, s);
  }
  std::cout.flush();
  if (!std::cout) throw std::runtime_error("cannot write to standard output");
  return kExitOk;
}

}  // namespace nrttrace
