// A CPU NEFF's op graph (cpu/graph.json + .npy constants), which the CPU really computes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/neff/tensor_spec.h"

namespace nrtb {

class CpuGraph {
 public:
  // graph_json: the text of cpu/graph.json. files: other archive members of cpu/, keyed by their
  // path relative to cpu/ (e.g. "w.npy"), for constants. Validates everything (ops, arity, dtypes,
  // shapes, constant sizes, bounded intermediate memory) and throws Error(NRT_INVALID, "...") naming
  // the problem. Never allocates more than the declared, bounded sizes.
  static std::unique_ptr<CpuGraph> Parse(std::string_view graph_json, const std::map<std::string, std::string>& files);

  // The constant files (paths relative to cpu/, e.g. "w.npy") graph_json references, in order of
  // first use, without repeats: what nrt-neff build must pack beside graph.json. Checks only the
  // JSON and those paths (relative, plain components, ending in .npy; Error(NRT_INVALID) otherwise);
  // Parse checks everything else.
  static std::vector<std::string> ReferencedFiles(std::string_view graph_json);

  virtual ~CpuGraph() = default;
  virtual const std::string& name() const = 0;
  virtual const std::vector<TensorSpec>& inputs() const = 0;
  virtual const std::vector<TensorSpec>& outputs() const = 0;
  // Simulated device time declared by the graph ("device_time_us"), 0 if none.
  virtual uint64_t device_time_ns() const = 0;
  // inputs[i] holds inputs()[i].size_bytes bytes, outputs[j] receives outputs()[j].size_bytes bytes.
  // Single-threaded; safe to call concurrently from several threads (no shared mutable state).
  virtual void Run(const void* const* inputs, void* const* outputs) const = 0;
};

}  // namespace nrtb
