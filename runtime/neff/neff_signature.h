// A NEFF's I/O signature: what neff.json (a TVM graph-runtime JSON) declares, cross-checked against the
// subgraph definitions sgNN/def.json (SPEC §5.3).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/neff/tensor_spec.h"

namespace nrtb {

inline constexpr size_t kMaxTensorDims = 32;
// nrt_tensor_info_t.name is NRT_TENSOR_NAME_MAX (256) bytes including the terminating NUL.
inline constexpr size_t kMaxTensorNameBytes = 255;

struct NeffSignature {
  std::vector<TensorSpec> inputs;       // declaration order, one entry per name
  std::vector<TensorSpec> outputs;      // declaration order, one entry per name (LNC=2 lists each twice)
  std::vector<std::string> kelf_files;  // attrs.kelf of every compute node: the kelf members it needs
};

// Reads the signature from the text of neff.json: inputs from arg_nodes, outputs from heads, dtype
// and shape from attrs via node_row_ptr. Sizes are product(shape) * element size, overflow-checked.
// Throws Error(NRT_INVALID, "neff.json: ...") naming the offending field.
NeffSignature ParseNeffSignature(std::string_view neff_json);

// Checks that every `var` of type input/output in a def.json (object keyed by name, or an array of
// objects with a "name") is declared by `signature` with the same size in bytes. `member` names the
// file in messages. Throws Error(NRT_INVALID) on a mismatch or malformed JSON.
void CheckDefJsonVars(std::string_view def_json, std::string_view member, const NeffSignature& signature);

// The inverse of the two readers, for NEFFs we build: one compute node `kelf_file` that takes every
// input and produces every output.
std::string NeffJsonFor(const NeffSignature& signature, std::string_view kelf_file);
std::string DefJsonFor(const NeffSignature& signature);

}  // namespace nrtb
