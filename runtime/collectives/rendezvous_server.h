// The rendezvous store rank 0 serves at NEURON_RT_ROOT_COMM_ID (protocol: rendezvous_protocol.h):
// a key-value map where a get waits until the key is set. Ranks publish their Gloo addresses in it
// and read the others'. One thread accepts, one thread serves each connection; Stop() (or the
// destructor) closes every socket and joins them all.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nrtb {

class RendezvousServer {
 public:
  // Listens on host:port. Throws Error(NRT_FAILURE) naming the problem when it cannot.
  RendezvousServer(const std::string& host, uint16_t port);
  ~RendezvousServer();
  RendezvousServer(const RendezvousServer&) = delete;
  RendezvousServer& operator=(const RendezvousServer&) = delete;
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd);
  void ServeRequests(int fd);

  int listen_fd_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, std::string> values_;
  std::vector<int> client_fds_;
  std::vector<std::thread> clients_;
  std::thread acceptor_;
};

}  // namespace nrtb
