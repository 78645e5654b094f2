#include "runtime/collectives/sendrecv_socket.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nrtb {
namespace {

// A socket bound to a loopback port and connected to that same port is connected to itself (TCP
// simultaneous open), which is what a dial of an unserved ephemeral port can turn into: SrConnect must
// not take it for the peer.
TEST(SendRecvSocket, RecognisesASocketConnectedToItself) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_TRUE(SrConnectedToItself(fd));
  close(fd);
}

TEST(SendRecvSocket, APeerConnectionIsNotItself) {
  std::string err;
  int listener = SrListen(0, &err);
  ASSERT_GE(listener, 0) << err;
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  std::atomic<bool> stop{false};
  bool timed_out = false;
  in_addr lo{htonl(INADDR_LOOPBACK)};
  int fd = SrConnect(lo, ntohs(a.sin_port), SrClock::now() + std::chrono::seconds(10), stop, &err, &timed_out);
  ASSERT_GE(fd, 0) << err;
  EXPECT_FALSE(SrConnectedToItself(fd));
  close(fd);
  close(listener);
}

}  // namespace
}  // namespace nrtb
