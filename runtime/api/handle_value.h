// Handle values: opaque numbers, unique for the life of the process, that name the runtime's objects.
#pragma once

#include <atomic>
#include <cstdint>

namespace nrtb {

// The low 4 bits of a handle; they only make handles of different kinds distinct (and readable in a
// debugger), lookups never trust them.
enum class HandleKind : uintptr_t { kTensor = 1, kModel = 2, kTensorSet = 3, kErrorTracker = 4, kCcContext = 5 };

// serial << 4 | kind, with a process-wide serial that starts at 1 and only increases (2^60 handles
// outlast any process), so the value is never null and never reused.
uintptr_t NewHandleValue(HandleKind kind);

// Moves on whenever a handle stops being live anywhere in the process (a Remove, a registry's destruction).
// A per-thread lookup cache entry (handle_registry.h) is valid only while the epoch it was filled at is current.
// Inline (a constant-initialised global, no call): the copy fast path reads it twice per call.
extern std::atomic<uint64_t> g_handle_epoch;
inline std::atomic<uint64_t>& HandleEpoch() { return g_handle_epoch; }

}  // namespace nrtb
