#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "tools/nrt-trace/commands.h"

namespace nrttrace {

double ParseTime(const std::string& text, const char* option) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  std::string unit(end == nullptr ? "" : end);
  double scale = unit.empty() || unit == "us" ? 1 : unit == "ms" ? 1e3 : unit == "s" ? 1e6 : 0;
  if (end == begin || scale == 0 || errno != 0 || !std::isfinite(v * scale) || v < 0)
    throw UsageError(std::string("--") + option + ": '" + text +
                     "' is not a non-negative time (a number with an optional unit us, ms or s)");
  return v * scale;
}

const char* const kDefinitions =
    "Times are the trace's own (microseconds since the runtime's origin); --from/--to take a number with\n"
    "an optional unit (us, ms, s; default us).\n"
    "\n"
    "Definitions:\n"
    "  busy            time a unit ran requests (union of its requests' start..end)\n"
    "  utilisation     busy / span (span: the window, or the first schedule to the last end)\n"
    "  host blocked    time the host spent inside a blocking runtime call the trace shows: every\n"
    "                  synchronous transfer (nrt_tensor_read/write of a device tensor), and every\n"
    "                  synchronous request, from its schedule to its end. A request is synchronous\n"
    "                  when the host scheduled nothing else and made no recorded call while it was\n"
    "                  in flight (a synchronous nrt_execute holds its caller). Waits on asynchronous\n"
    "                  completions are not in the trace and count as host time outside the runtime;\n"
    "                  several host threads count as one host.\n"
    "  overlap         time at least one unit was busy while the host was not blocked; shown also as\n"
    "                  a fraction of the time at least one unit was busy\n"
    "  in flight       requests scheduled and not yet ended: maximum, and time-weighted mean over span\n"
    "  latency         per request, schedule -> end; nearest-rank percentiles of requests ending in\n"
    "                  the window\n";

}  // namespace nrttrace
