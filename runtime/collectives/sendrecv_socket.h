// Plain TCP for point-to-point send/receive (sendrecv.h). Every write is send(MSG_NOSIGNAL): a peer that went
// away is an EPIPE for the request, never a SIGPIPE that kills the host process. Waits that must stay
// interruptible (connecting, the handshake) poll in short slices and give up when `stop` is set.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace nrtb {

using SrClock = std::chrono::steady_clock;

// A listening socket on every interface at `port` (SO_REUSEADDR, close-on-exec), or -1 with *err set.
int SrListen(uint16_t port, std::string* err);
// Connects to addr:port, retrying while the peer does not listen yet, until `deadline` or `stop`. The fd
// (blocking) or -1 with *err set and *timed_out telling a timeout from another failure.
int SrConnect(in_addr addr, uint16_t port, SrClock::time_point deadline, const std::atomic<bool>& stop,
              std::string* err, bool* timed_out);
// Whether a connected socket is connected to itself (TCP simultaneous open on one port).
bool SrConnectedToItself(int fd);
// Waits until fd is readable, `deadline` passes (false) or `stop` is set (false).
bool SrWaitReadable(int fd, SrClock::time_point deadline, const std::atomic<bool>& stop);
// Sends / receives exactly n bytes on a blocking socket. false on EOF or error (*err says which).
bool SrSendAll(int fd, const void* data, size_t n, std::string* err);
bool SrRecvAll(int fd, void* data, size_t n, std::string* err);

}  // namespace nrtb
