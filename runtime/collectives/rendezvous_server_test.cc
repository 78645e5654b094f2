#include "runtime/collectives/rendezvous_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

int Connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

std::string Msg(char op, const std::string& key, const std::string* value = nullptr) {
  std::string m(1, op);
  uint32_t n = static_cast<uint32_t>(key.size());
  m.append(reinterpret_cast<const char*>(&n), 4).append(key);
  if (value != nullptr) {
    n = static_cast<uint32_t>(value->size());
    m.append(reinterpret_cast<const char*>(&n), 4).append(*value);
  }
  return m;
}

std::string ReadN(int fd, size_t n) {
  std::string s(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, s.data() + got, n - got, 0);
    if (r <= 0) return s.substr(0, got);
    got += static_cast<size_t>(r);
  }
  return s;
}

TEST(RendezvousServer, GetWaitsForTheSetFromAnotherConnection) {
  const uint16_t port = FreePort();
  RendezvousServer server("127.0.0.1", port);
  int getter = Connect(port), setter = Connect(port);
  std::string get = Msg('G', "rank1"), value = "address-of-rank-1";
  ASSERT_EQ(send(getter, get.data(), get.size(), 0), static_cast<ssize_t>(get.size()));
  std::string set = Msg('S', "rank1", &value);
  ASSERT_EQ(send(setter, set.data(), set.size(), 0), static_cast<ssize_t>(set.size()));
  EXPECT_EQ(ReadN(setter, 1), "K");
  std::string len = ReadN(getter, 4);
  uint32_t n = 0;
  std::memcpy(&n, len.data(), 4);
  EXPECT_EQ(ReadN(getter, n), value);
  close(getter);
  close(setter);
}

TEST(RendezvousServer, StopEndsWaitingGetsAndDropsGarbage) {
  const uint16_t port = FreePort();
  RendezvousServer server("127.0.0.1", port);
  int junk = Connect(port);
  ASSERT_EQ(send(junk, "Zxxxx", 5, 0), 5);
  EXPECT_EQ(ReadN(junk, 1), "") << "the server hangs up on a stranger";
  int waiter = Connect(port);
  std::string get = Msg('G', "never");
  ASSERT_EQ(send(waiter, get.data(), get.size(), 0), static_cast<ssize_t>(get.size()));
  const auto t0 = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(ReadN(waiter, 4), "");
  close(junk);
  close(waiter);
}

TEST(RendezvousServer, PortInUseIsAnErrorNotACrash) {
  const uint16_t port = FreePort();
  RendezvousServer first("127.0.0.1", port);
  try {
    RendezvousServer second("127.0.0.1", port);
    ADD_FAILURE() << "two servers on one port";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_FAILURE);
  }
}

}  // namespace
}  // namespace nrtb
