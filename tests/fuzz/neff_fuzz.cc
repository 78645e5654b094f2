// libFuzzer target: any byte string given to the NEFF loader either parses or throws nrtb::Error —
// no crash, no other exception, no unbounded allocation. A CPU NEFF's graph is parsed too, as
// loading does.
#include <cstddef>
#include <cstdint>

#include "runtime/core/error.h"
#include "runtime/neff/cpu_graph.h"
#include "runtime/neff/neff_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const nrtb::NeffFile neff = nrtb::ParseNeff(data, size);
    if (neff.has_cpu_graph) nrtb::CpuGraph::Parse(neff.cpu_files.at("graph.json"), neff.cpu_files);
  } catch (const nrtb::Error&) {
  }
  return 0;
}
