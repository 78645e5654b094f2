// Gloo's rendezvous store over the rendezvous server rank 0 runs (../rendezvous_protocol.h). Rank 0
// may start after the others: connecting retries until the timeout.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <gloo/rendezvous/store.h>

namespace nrtb {

class TcpStore : public gloo::rendezvous::Store {
 public:
  // Throws gloo::IoException when the server cannot be reached within `timeout`, or once *abandon is set
  // while it retries.
  TcpStore(const std::string& host, uint16_t port, std::chrono::milliseconds timeout,
           const std::atomic<bool>* abandon = nullptr);
  ~TcpStore() override;

  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override { wait(keys, timeout_); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override;
  // The connection to the server (shutting it down makes every wait fail at once).
  int fd() const { return fd_; }

 private:
  std::vector<char> Get(const std::string& key, std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
};

}  // namespace nrtb
