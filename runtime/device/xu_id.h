// Execution-unit identity and sequence-id layout (SPEC §1.6):
//   seq   = (xu_id << 48) | n,   n = 1, 2, ... per unit (0 = "nothing completed yet")
//   xu_id = lnc << 8 | queue << 4 | xu_type
#pragma once

#include <cstdint>

namespace nrtb {

enum class XuType : uint32_t { kTensorOp = 0, kCompute = 1, kCollectives = 2 };
constexpr uint32_t kXuTypeCount = 3;
constexpr uint32_t kMaxQueuesPerXu = 3;
// Queues per logical core and XU type: TENSOR_OP 2, COMPUTE 1, COLLECTIVES 3 (SPEC §2).
constexpr uint32_t kQueuesPerXu[kXuTypeCount] = {2, 1, 3};
constexpr uint64_t kSeqNumBits = 48;
constexpr uint64_t kSeqNumMask = (1ull << kSeqNumBits) - 1;

inline uint16_t MakeXuId(uint32_t lnc, XuType type, uint32_t queue) {
  return static_cast<uint16_t>((lnc & 0xFF) << 8 | (queue & 0xF) << 4 | (static_cast<uint32_t>(type) & 0xF));
}
// True when (type, queue) names an execution unit a logical core has.
inline bool IsValidUnit(uint32_t type, uint32_t queue) { return type < kXuTypeCount && queue < kQueuesPerXu[type]; }
inline uint32_t XuIdLnc(uint16_t id) { return id >> 8; }
inline uint32_t XuIdQueue(uint16_t id) { return (id >> 4) & 0xF; }
inline uint32_t XuIdType(uint16_t id) { return id & 0xF; }
inline uint64_t MakeSeq(uint16_t xu_id, uint64_t n) { return static_cast<uint64_t>(xu_id) << kSeqNumBits | n; }
inline uint16_t SeqXuId(uint64_t seq) { return static_cast<uint16_t>(seq >> kSeqNumBits); }
inline uint64_t SeqNum(uint64_t seq) { return seq & kSeqNumMask; }

const char* XuTypeName(XuType t);  // "tensor_op", "compute", "collectives"

}  // namespace nrtb
