// The debug stream of one logical core (ndebug_stream.h): the pollable fd through which device code
// would send prints and tensor dumps to one connected client. The simulated device runs no device
// code that emits such events, so the fd (an eventfd the runtime owns) never becomes readable and
// the stream never holds an event; everything else (one client at a time, fd lifetime) is real.
#pragma once

#include <mutex>

namespace nrtb {

class DebugStream {
 public:
  DebugStream() = default;
  ~DebugStream() { Shutdown(); }
  DebugStream(const DebugStream&) = delete;
  DebugStream& operator=(const DebugStream&) = delete;

  // The fd of a new connection. Throws Error(NRT_INVALID) when a client is already connected or the
  // stream is shut down, Error(NRT_RESOURCE) when no fd can be created.
  int Connect();
  // True (and the fd closed) when fd is this stream's connection.
  bool Disconnect(int fd);
  // True when fd is this stream's open connection.
  bool Connected(int fd) const;
  // Closes the connection, if any; no new one is accepted. Idempotent.
  void Shutdown();

 private:
  mutable std::mutex mu_;
  int fd_ = -1;
  bool shut_down_ = false;
};

}  // namespace nrtb
