// Which process of a fork tree this is, for code that must not touch what a parent thread may have left locked.
//
// The count starts at 0 in the process that loaded the runtime and goes up by one in each forked child (one
// pthread_atfork child handler, registered when the library loads). An object that owns a lock records the
// generation it was created in; when the current generation differs, the object was inherited from a parent
// whose other threads are gone, so its lock may be held forever and must not be taken. Reading the count is one
// relaxed load, where getpid() is a system call (glibc stopped caching the pid in 2.25).
//
// Like every pthread_atfork handler it does not see a raw clone()/SYS_fork that bypasses glibc's fork(); such a
// child must exec before it calls the runtime. posix_spawn and vfork children exec without running our code.
// (core/lifecycle.cc has a child handler of its own: it acts on the runtime's state, this one only counts.)
#pragma once

#include <cstdint>

namespace nrtb {

uint32_t ForkGeneration();

// True in any process forked (at any depth) from the one that loaded the runtime.
inline bool InForkedChild() { return ForkGeneration() != 0; }

}  // namespace nrtb
