// The TCP sockets behind a Gloo group's pairs, found so that another thread can shut them down.
//
// Debian's Gloo cannot interrupt an operation, and its tcp/pair.h does not compile (the package leaves out
// gloo/common/memory.h), so the pairs' file descriptors are out of reach through Gloo's API. What the API does
// give is each connected pair's local address (Pair::address() is its socket's getsockname()): the pair's socket
// is the connected TCP socket of this process with that local address. We keep a duplicate of it, because
// shutdown() through the duplicate acts on the socket Gloo uses, and the duplicate keeps the socket alive, so a
// number Gloo closes and the process reuses is never touched.
#pragma once

#include <sys/socket.h>

#include <vector>

namespace nrtb {

// Close-on-exec duplicates of this process's connected TCP sockets whose local address is one of `locals`
// (at most one per address, in no particular order).
std::vector<int> DuplicateConnectedSockets(const std::vector<sockaddr_storage>& locals);

}  // namespace nrtb
