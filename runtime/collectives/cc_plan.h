// A prepared collective (what nrta_cc_prepare validates and nrta_cc_schedule runs): the operation,
// the dtype and reduction, the replica group (global ranks) and this rank's place in it, and the
// tensors reduced to contiguous chunks of `chunk_bytes` each:
//
//   all-gather      in: 1 chunk (mine)            out: N chunks, chunk j = rank j's input
//   all-reduce      in: k buffers                 out: k buffers of the same sizes (pairwise)
//   reduce-scatter  in: N chunks, chunk j for j   out: 1 chunk = reduction of every rank's chunk r
//
// A list may give the N chunks as one tensor of N * chunk_bytes or as N tensors of chunk_bytes.
// All-reduce pairs input i with output i (sizes equal); output may be the input (in place).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/collectives/reduce.h"
#include "runtime/device/tensor.h"
#include "runtime/neff/dtype.h"

namespace nrtb {

enum class CcKind : uint32_t { kAllGather = 0, kAllReduce = 1, kReduceScatter = 2, kBarrier = 3 };
const char* CcKindName(CcKind k);  // "all_gather", "all_reduce", "reduce_scatter", "barrier"

// One contiguous piece of a tensor (or of a host buffer, tensor null).
struct Chunk {
  TensorRef tensor;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint8_t* host = nullptr;  // when tensor is null
  uint8_t* data() const { return tensor ? tensor->data() + offset : host; }
};

struct CcPlan {
  CcKind kind = CcKind::kAllReduce;
  DType dtype = DType::kUint8;
  ReduceOp op = ReduceOp::kAdd;
  ReduceFn reduce = nullptr;    // null for all-gather and barrier
  std::vector<uint32_t> group;  // global ranks, in replica-group order
  uint32_t index = 0;           // my position in group
  uint32_t lnc = 0;             // logical core whose COLLECTIVES unit runs it
  std::vector<Chunk> inputs;    // see the table above
  std::vector<Chunk> outputs;
  // Set while a schedule call owns the context, so two threads cannot schedule one context twice.
  std::atomic<bool> claimed{false};

  uint32_t my_rank() const { return group[index]; }
  uint32_t size() const { return static_cast<uint32_t>(group.size()); }
  // Bytes this rank moves (for the timing model and bandwidth figures): its output bytes.
  uint64_t bytes() const;
  std::string Describe() const;  // "all_reduce float32 add of 4096 B over ranks [0,1]"
};

// Checks a replica group (non-empty, distinct ranks below world_size, index inside it). Throws Error(NRT_INVALID).
void CheckGroup(const std::vector<uint32_t>& group, uint32_t index, uint32_t world_size);

// Fills plan.inputs / plan.outputs from the tensor lists for plan.kind and checks the sizes against
// the dtype and the group size. Throws Error(NRT_INVALID) naming the problem.
void BindChunks(CcPlan& plan, const std::vector<TensorRef>& inputs, const std::vector<TensorRef>& outputs);

}  // namespace nrtb
