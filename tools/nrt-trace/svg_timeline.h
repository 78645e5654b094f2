// Renders TraceData as a standalone SVG timeline: a host lane (synchronous calls and requests the
// host waited on, schedule calls as ticks), one lane per execution unit with each request as a bar
// (queued part lighter, failed ones red), a time axis and a legend. Bars narrower than a pixel that are
// closer than half a pixel are drawn as one, so the file stays small (a few thousand elements per lane
// at most) for any trace.
#pragma once

#include <ostream>

#include "tools/nrt-trace/analysis.h"
#include "tools/nrt-trace/trace_data.h"

namespace nrttrace {

struct SvgOptions {
  Window window;      // default: the whole trace
  int width = 1200;   // pixels
  std::string title;  // shown above the lanes
};

void WriteSvg(const TraceData& data, const SvgOptions& options, std::ostream& out);

}  // namespace nrttrace
