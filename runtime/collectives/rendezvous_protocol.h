// The rendezvous store's wire protocol (NEURON_RT_ROOT_COMM_ID=host:port, served by rank 0,
// rendezvous_server.h; the Gloo plugin is the client). One TCP connection carries requests in turn:
//   'S' u32 key_len, key, u32 value_len, value   -> 'K'
//   'G' u32 key_len, key                          -> u32 value_len, value (once the key is set)
// Lengths are little-endian; keys are at most kMaxKey bytes and values at most kMaxValue.
#pragma once

#include <cstdint>

namespace nrtb::rendezvous {

constexpr uint32_t kMaxKey = 1024;
constexpr uint32_t kMaxValue = 1 << 20;

}  // namespace nrtb::rendezvous
