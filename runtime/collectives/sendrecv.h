// Point-to-point tensor send / receive between logical cores (nrt_async_sendrecv.h), over plain TCP.
//
// Why plain sockets and not Gloo pairs: send/receive addresses a peer by (IP, logical core) with no
// rendezvous and no world, while a Gloo pair needs a store and a group to be created; a socket per
// communicator is all the semantics need (ordered, one direction), and the same path serves a peer in this
// process (over loopback) and one on another host.
//
// Wire: nrt_async_sendrecv_init(lnc) listens on port NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT + lnc (default
// base kDefaultBasePort). connect() dials the peer's port and sends a hello {magic, own lnc, peer lnc}; the
// peer's listener matches it with an accept() for (source IP, that lnc) — the connection may come first, it
// waits — and answers one byte, after which both communicators are connected. Each message is an 8-byte
// big-endian length followed by the bytes. A receive posted for fewer bytes than the message fails with
// NRT_INVALID and fails its communicator (the stream cannot be resynchronised).
//
// Threads: one listener per initialised core and one per communicator, which connects and then moves the
// requests of its communicator in order with blocking I/O. close(lnc), and the destructor (nrt_close),
// shut the sockets down, which ends every blocking call at once, and join the threads.
//
// Failures: a communicator not connected within the runtime's timeout (NEURON_RT_EXEC_TIMEOUT) is
// NRT_TIMEOUT; a peer that went away (EOF, reset) fails the running and queued requests and the
// communicator with NRT_EXEC_HW_ERR_COLLECTIVES; requests cut short by close are NRT_CLOSED.
//
// Handles are numbers never handed out twice in the process (never addresses), so a stale handle is
// NRT_INVALID_HANDLE forever.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "nrt/nrt_status.h"
#include "runtime/device/tensor.h"

namespace nrtb {

struct SrComm;
struct SrRequest;
struct SrEndpoint;

class SendRecv {
 public:
  static constexpr int kMaxCommsPerLnc = 16;
  static constexpr int kMaxPendingRequests = 64;
  static constexpr uint16_t kDefaultBasePort = 63000;

  // Cores first_core .. first_core + core_count - 1 of the host are this process's; base_port is
  // NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT as set (empty: the default), checked by Init.
  SendRecv(uint32_t first_core, uint32_t core_count, uint64_t timeout_ns, std::string base_port);
  ~SendRecv();
  SendRecv(const SendRecv&) = delete;
  SendRecv& operator=(const SendRecv&) = delete;

  // Every method throws Error with the status the header documents.
  void Init(int lnc);
  void Close(int lnc);
  // Returns the new communicator's handle; the connection is made in the background.
  uintptr_t Connect(const char* peer_ip, int peer_lnc, int lnc);
  uintptr_t Accept(const char* peer_ip, int peer_lnc, int lnc);
  bool TestComm(uintptr_t comm);
  // `use` keeps the tensor's memory in place until the request completes.
  uintptr_t Post(bool send, TensorUse use, size_t offset, size_t length, uintptr_t comm);
  // true when the request completed (then its handle is gone), with *size = bytes moved; throws its
  // failure status after setting *done / *size.
  bool TestRequest(uintptr_t request, bool* done, size_t* size);
  void Flush(int lnc);
  // Stops everything (nrt_close).
  void Shutdown();

 private:
  uintptr_t NewComm(bool send, const char* peer_ip, int peer_lnc, int lnc);
  std::shared_ptr<SrEndpoint> RequireEndpoint(int lnc, const char* what);
  void Listen(const std::shared_ptr<SrEndpoint>& ep);
  void Match(SrEndpoint& ep, int fd, in_addr from, uint32_t from_lnc);
  uint16_t BasePort() const;

  const uint32_t first_core_, core_count_;
  const uint64_t timeout_ns_;
  const std::string base_port_;
  std::mutex mu_;
  std::map<int, std::shared_ptr<SrEndpoint>> endpoints_;
  std::map<uintptr_t, std::shared_ptr<SrComm>> comms_;
  std::map<uintptr_t, std::shared_ptr<SrRequest>> requests_;
};

}  // namespace nrtb
