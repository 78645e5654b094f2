#include "runtime/collectives/cc_plan.h"

#include <set>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

// The N equal chunks of a list given as one tensor of N * chunk or as N tensors of chunk bytes.
std::vector<Chunk> SplitChunks(const std::vector<TensorRef>& list, uint32_t n, const char* what, uint64_t* chunk) {
  std::vector<Chunk> out;
  if (list.size() == 1) {
    uint64_t total = list[0]->size();
    if (total % n != 0)
      ThrowInvalid("%s tensor of %llu B does not split into %u equal chunks", what,
                   static_cast<unsigned long long>(total), n);
    *chunk = total / n;
    for (uint32_t j = 0; j < n; ++j) out.push_back({list[0], j * *chunk, *chunk, nullptr});
    return out;
  }
  if (list.size() != n) {
    ThrowInvalid("%s list has %zu tensors; expected 1 (split in %u) or %u (one per rank)", what, list.size(), n, n);
  }
  *chunk = list[0]->size();
  for (const TensorRef& t : list) {
    if (t->size() != *chunk) {
      ThrowInvalid("%s tensors differ in size (%llu B and %llu B); each rank's chunk must be the same size", what,
                   static_cast<unsigned long long>(*chunk), static_cast<unsigned long long>(t->size()));
    }
    out.push_back({t, 0, *chunk, nullptr});
  }
  return out;
}

void RequireCount(const std::vector<TensorRef>& list, size_t n, const char* what, const char* kind) {
  if (list.size() != n) ThrowInvalid("%s of %s has %zu tensors; expected %zu", what, kind, list.size(), n);
}

}  // namespace

const char* CcKindName(CcKind k) {
  switch (k) {
    case CcKind::kAllGather:
      return "all_gather";
    case CcKind::kAllReduce:
      return "all_reduce";
    case CcKind::kReduceScatter:
      return "reduce_scatter";
    case CcKind::kBarrier:
      return "barrier";
  }
  return "?";
}

uint64_t CcPlan::bytes() const {
  uint64_t b = 0;
  for (const Chunk& c : outputs) b += c.size;
  return b;
}

std::string CcPlan::Describe() const {
  std::string s = CcKindName(kind);
  if (kind != CcKind::kBarrier) {
    s += std::string(" ") + DTypeName(dtype);
    if (reduce != nullptr) s += std::string(" ") + ReduceOpName(op);
    s += " of " + std::to_string(bytes()) + " B";
  }
  s += " over ranks [";
  for (size_t i = 0; i < group.size(); ++i) s += (i ? "," : "") + std::to_string(group[i]);
  return s + "] as rank " + std::to_string(my_rank());
}

void CheckGroup(const std::vector<uint32_t>& group, uint32_t index, uint32_t world_size) {
  if (group.empty()) ThrowInvalid("the replica group is empty");
  if (index >= group.size()) ThrowInvalid("rank %u is outside the replica group of %zu ranks", index, group.size());
  std::set<uint32_t> seen;
  for (uint32_t r : group) {
    if (r >= world_size) ThrowInvalid("replica group names rank %u; the world has %u ranks", r, world_size);
    if (!seen.insert(r).second) ThrowInvalid("replica group names rank %u twice", r);
  }
}

void BindChunks(CcPlan& plan, const std::vector<TensorRef>& inputs, const std::vector<TensorRef>& outputs) {
  const uint32_t n = plan.size();
  const uint32_t elem = DTypeSize(plan.dtype);
  const char* kind = CcKindName(plan.kind);
  uint64_t chunk = 0;
  switch (plan.kind) {
    case CcKind::kAllGather: {
      RequireCount(inputs, 1, "the input list", kind);
      chunk = inputs[0]->size();
      plan.inputs = {{inputs[0], 0, chunk, nullptr}};
      uint64_t out_chunk = 0;
      plan.outputs = SplitChunks(outputs, n, "all_gather output", &out_chunk);
      if (out_chunk != chunk) {
        ThrowInvalid("all_gather output chunks are %llu B, the input is %llu B (they must match)",
                     static_cast<unsigned long long>(out_chunk), static_cast<unsigned long long>(chunk));
      }
      break;
    }
    case CcKind::kAllReduce: {
      if (inputs.empty()) ThrowInvalid("the input list of all_reduce is empty");
      RequireCount(outputs, inputs.size(), "the output list", kind);
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i]->size() != outputs[i]->size()) {
          ThrowInvalid("all_reduce input %zu is %zu B, output %zu is %zu B (they must match)", i, inputs[i]->size(), i,
                       outputs[i]->size());
        }
        if (inputs[i]->size() % elem != 0) {
          ThrowInvalid("all_reduce input %zu (%zu B) is not a whole number of %s elements", i, inputs[i]->size(),
                       DTypeName(plan.dtype));
        }
        plan.inputs.push_back({inputs[i], 0, inputs[i]->size(), nullptr});
        plan.outputs.push_back({outputs[i], 0, outputs[i]->size(), nullptr});
      }
      return;
    }
    case CcKind::kReduceScatter: {
      plan.inputs = SplitChunks(inputs, n, "reduce_scatter input", &chunk);
      RequireCount(outputs, 1, "the output list", kind);
      if (outputs[0]->size() != chunk) {
        ThrowInvalid("reduce_scatter output is %zu B, each rank's input chunk is %llu B (they must match)",
                     outputs[0]->size(), static_cast<unsigned long long>(chunk));
      }
      plan.outputs = {{outputs[0], 0, chunk, nullptr}};
      break;
    }
    case CcKind::kBarrier:
      ThrowInvalid("a barrier moves no tensors");
  }
  if (chunk % elem != 0) {
    ThrowInvalid("%s chunks of %llu B are not a whole number of %s elements", kind,
                 static_cast<unsigned long long>(chunk), DTypeName(plan.dtype));
  }
}

}  // namespace nrtb
