// nrt_async_sendrecv.h: point-to-point tensor send / receive, between logical cores of this process and
// between two processes on loopback (children of this binary, filtered to SendRecvProcess.Role and told
// their part by NRTEST_SR_* variables, under kill timeouts). Each test picks free bootstrap ports.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "nrt/nrt_async_sendrecv.h"
#include "nrtest.h"
#include "two_hosts.h"

using namespace nrtest;

namespace {

// A base port whose next `n` ports are free now, above Linux's ephemeral range (32768-60999): a port there
// is not handed out as a source port, so neither another test's connection nor a dial of an unserved port
// (which can connect to itself) lands on it.
uint16_t FreePortBlock(int n) {
  std::random_device rd;
  std::uniform_int_distribution<int> pick(61000, 65000 - n);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int base = pick(rd);
    bool ok = true;
    for (int i = 0; i < n && ok; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in b{};
      b.sin_family = AF_INET;
      b.sin_port = htons(static_cast<uint16_t>(base + i));
      ok = bind(fd, reinterpret_cast<sockaddr*>(&b), sizeof b) == 0;
      close(fd);
    }
    if (ok) return static_cast<uint16_t>(base);
  }
  ADD_FAILURE() << "no block of free ports";
  return 0;
}

void UsePorts(int n = 4) {
  setenv("NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT", std::to_string(FreePortBlock(n)).c_str(), 1);
}

// Polls test_comm until it reports done or fails; its status.
NRT_STATUS WaitComm(nrt_async_sendrecv_comm_t* c, double timeout_s = kGenerousTimeoutS) {
  const auto end = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < end) {
    bool done = false;
    NRT_STATUS s = nrt_async_sendrecv_test_comm(c, &done);
    if (s != NRT_SUCCESS || done) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return NRT_FAILURE;
}

// Polls test_request until done; its status, with the byte count in *size.
NRT_STATUS WaitRequest(nrt_async_sendrecv_request_t* r, size_t* size, double timeout_s = kGenerousTimeoutS) {
  const auto end = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < end) {
    bool done = false;
    NRT_STATUS s = nrt_async_sendrecv_test_request(r, &done, size);
    if (s != NRT_SUCCESS || done) return s;
    std::this_thread::yield();
  }
  return NRT_FAILURE;
}

std::vector<uint8_t> Pattern(size_t n, int seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 31 + seed * 7 + (i >> 8));
  return v;
}

struct Pair {
  nrt_async_sendrecv_comm_t* send = nullptr;
  nrt_async_sendrecv_comm_t* recv = nullptr;
};

// A connected pair lnc `from` -> lnc `to` in this process; accept first or connect first.
Pair Connect(int from, int to, bool accept_first) {
  Pair p;
  if (accept_first) {
    EXPECT_EQ(nrt_async_sendrecv_accept("127.0.0.1", from, to, &p.recv), NRT_SUCCESS);
  }
  EXPECT_EQ(nrt_async_sendrecv_connect("127.0.0.1", to, from, &p.send), NRT_SUCCESS);
  if (!accept_first) {
    // Let the connection reach the listener before its accept, so it has to wait there.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(nrt_async_sendrecv_accept("127.0.0.1", from, to, &p.recv), NRT_SUCCESS);
  }
  EXPECT_EQ(WaitComm(p.send), NRT_SUCCESS);
  EXPECT_EQ(WaitComm(p.recv), NRT_SUCCESS);
  return p;
}

// One ERROR line naming `api` and containing `what`, and no other line.
void ExpectOneLine(const std::string& err, const std::string& api, const std::string& what) {
  EXPECT_EQ(LinesWith(err, {}).size(), 1u) << err;
  EXPECT_EQ(LinesWith(err, {"ERROR", "NRT:" + api + " ", what}).size(), 1u) << err;
}

TEST(SendRecv, LimitsAreReported) {
  NRTEST_INIT(rt);
  int n = 0;
  ASSERT_EQ(nrt_async_sendrecv_get_max_num_communicators_per_lnc(&n), NRT_SUCCESS);
  EXPECT_EQ(n, 16);
  ASSERT_EQ(nrt_async_sendrecv_get_max_num_pending_request(&n), NRT_SUCCESS);
  EXPECT_EQ(n, 64);
  StderrCapture cap;
  EXPECT_EQ(nrt_async_sendrecv_get_max_num_pending_request(nullptr), NRT_INVALID);
  ExpectOneLine(cap.Stop(), "nrt_async_sendrecv_get_max_num_pending_request", "num");
}

TEST(SendRecv, LifecycleComesFirst) {
  nrt_async_sendrecv_comm_t* c = nullptr;
  EXPECT_EQ(nrt_async_sendrecv_init(0), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_async_sendrecv_connect("127.0.0.1", 1, 0, &c), NRT_UNINITIALIZED);
  { NRTEST_INIT(rt); }
  EXPECT_EQ(nrt_async_sendrecv_init(0), NRT_CLOSED);
  EXPECT_EQ(nrt_async_sendrecv_flush(0), NRT_CLOSED);
}

// Ranges of tensors move intact, in order, accept before or after connect; a receive larger than the
// message reports the message's size.
TEST(SendRecv, SameProcessRangesArriveInOrder) {
  UsePorts();
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_async_sendrecv_init(0), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_sendrecv_init(1), NRT_SUCCESS);
  for (bool accept_first : {true, false}) {
    Pair p = Connect(0, 1, accept_first);
    const size_t kBytes = 300000;
    Tensor src(0, kBytes + 64, "src"), dst(1, 3 * kBytes, "dst");
    const std::vector<uint8_t> a = Pattern(kBytes + 64, 1);
    WriteAll(src, a);
    nrt_async_sendrecv_request_t *s1, *s2, *r1, *r2;
    ASSERT_EQ(nrt_async_sendrecv_recv_tensor(dst, 100, kBytes + 10, p.recv, &r1), NRT_SUCCESS);
    ASSERT_EQ(nrt_async_sendrecv_recv_tensor(dst, 2 * kBytes, kBytes, p.recv, &r2), NRT_SUCCESS);
    ASSERT_EQ(nrt_async_sendrecv_send_tensor(src, 64, kBytes, p.send, &s1), NRT_SUCCESS);
    ASSERT_EQ(nrt_async_sendrecv_send_tensor(src, 0, 1000, p.send, &s2), NRT_SUCCESS);
    size_t n = 0;
    EXPECT_EQ(WaitRequest(s1, &n), NRT_SUCCESS);
    EXPECT_EQ(n, kBytes);
    EXPECT_EQ(WaitRequest(s2, &n), NRT_SUCCESS);
    EXPECT_EQ(n, 1000u);
    EXPECT_EQ(WaitRequest(r1, &n), NRT_SUCCESS);
    EXPECT_EQ(n, kBytes);
    EXPECT_EQ(WaitRequest(r2, &n), NRT_SUCCESS);
    EXPECT_EQ(n, 1000u);
    ASSERT_EQ(nrt_async_sendrecv_flush(1), NRT_SUCCESS);
    const std::vector<uint8_t> got = ReadAll<uint8_t>(dst);
    EXPECT_TRUE(std::equal(a.begin() + 64, a.end(), got.begin() + 100)) << "first message";
    EXPECT_TRUE(std::equal(a.begin(), a.begin() + 1000, got.begin() + 2 * kBytes)) << "second message";
    EXPECT_EQ(got[99], 0) << "nothing before the range";
    // A request that reported done is gone.
    bool done = false;
    EXPECT_EQ(nrt_async_sendrecv_test_request(s1, &done, &n), NRT_INVALID_HANDLE);
  }
  EXPECT_EQ(nrt_async_sendrecv_close(0), NRT_SUCCESS);
  EXPECT_EQ(nrt_async_sendrecv_close(1), NRT_SUCCESS);
}

// Many threads send on their own communicators at once (thread-safety; TSan runs this).
TEST(SendRecv, ThreadsSendConcurrently) {
  UsePorts();
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_async_sendrecv_init(2), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_sendrecv_init(3), NRT_SUCCESS);
  constexpr int kThreads = 4;
  std::vector<Pair> pairs;
  for (int i = 0; i < kThreads; ++i) pairs.push_back(Connect(2, 3, true));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Tensor src(2, 8192, "src"), dst(3, 8192, "dst");
      const std::vector<uint8_t> a = Pattern(8192, 10 + i);
      WriteAll(src, a);
      for (int round = 0; round < 5; ++round) {
        nrt_async_sendrecv_request_t *s, *r;
        ASSERT_EQ(nrt_async_sendrecv_recv_tensor(dst, 0, 8192, pairs[i].recv, &r), NRT_SUCCESS);
        ASSERT_EQ(nrt_async_sendrecv_send_tensor(src, 0, 8192, pairs[i].send, &s), NRT_SUCCESS);
        size_t n = 0;
        EXPECT_EQ(WaitRequest(s, &n), NRT_SUCCESS);
        EXPECT_EQ(WaitRequest(r, &n), NRT_SUCCESS);
      }
      EXPECT_EQ(ReadAll<uint8_t>(dst), a);
    });
  }
  for (auto& t : threads) t.join();
}

TEST(SendRecv, BadArgumentsGetTheirStatusAndOneLine) {
  UsePorts();
  NRTEST_INIT(rt);
  nrt_async_sendrecv_comm_t* c = nullptr;
  nrt_async_sendrecv_request_t* r = nullptr;
  bool done = false;
  size_t n = 0;
  Tensor t(0, 64);
  nrt_async_sendrecv_comm_t* const foreign = reinterpret_cast<nrt_async_sendrecv_comm_t*>(0x1000);
  struct Case {
    const char* api;
    std::function<NRT_STATUS()> call;
    NRT_STATUS want;
    const char* says;
  };
  ASSERT_EQ(nrt_async_sendrecv_init(0), NRT_SUCCESS);
  Pair p = Connect(0, 0, true);  // a core may talk to itself
  std::vector<Case> cases = {
      {"nrt_async_sendrecv_init", [] { return nrt_async_sendrecv_init(-1); }, NRT_INVALID, "not a logical core"},
      {"nrt_async_sendrecv_init", [] { return nrt_async_sendrecv_init(4); }, NRT_INVALID, "not a logical core"},
      {"nrt_async_sendrecv_init", [] { return nrt_async_sendrecv_init(0); }, NRT_FAILURE, "already initialised"},
      {"nrt_async_sendrecv_close", [] { return nrt_async_sendrecv_close(1); }, NRT_FAILURE, "not initialised"},
      {"nrt_async_sendrecv_flush", [] { return nrt_async_sendrecv_flush(1); }, NRT_FAILURE, "not initialised"},
      {"nrt_async_sendrecv_connect", [&] { return nrt_async_sendrecv_connect("127.0.0.1", 0, 1, &c); }, NRT_FAILURE,
       "not initialised"},
      {"nrt_async_sendrecv_connect", [&] { return nrt_async_sendrecv_connect(nullptr, 0, 0, &c); }, NRT_INVALID,
       "peer_ip"},
      {"nrt_async_sendrecv_connect", [&] { return nrt_async_sendrecv_connect("localhost", 0, 0, &c); }, NRT_INVALID,
       "not an IPv4 address"},
      {"nrt_async_sendrecv_accept", [&] { return nrt_async_sendrecv_accept("127.0.0.1", -1, 0, &c); }, NRT_INVALID,
       "negative"},
      {"nrt_async_sendrecv_accept", [&] { return nrt_async_sendrecv_accept("127.0.0.1", 0, 0, nullptr); }, NRT_INVALID,
       "recv_comm"},
      {"nrt_async_sendrecv_test_comm", [&] { return nrt_async_sendrecv_test_comm(foreign, &done); }, NRT_INVALID_HANDLE,
       "not a live"},
      {"nrt_async_sendrecv_test_comm", [&] { return nrt_async_sendrecv_test_comm(p.send, nullptr); }, NRT_INVALID,
       "done"},
      {"nrt_async_sendrecv_send_tensor", [&] { return nrt_async_sendrecv_send_tensor(t, 60, 5, p.send, &r); },
       NRT_INVALID, "past the tensor"},
      {"nrt_async_sendrecv_send_tensor", [&] { return nrt_async_sendrecv_send_tensor(t, SIZE_MAX, 2, p.send, &r); },
       NRT_INVALID, "past the tensor"},
      {"nrt_async_sendrecv_send_tensor", [&] { return nrt_async_sendrecv_send_tensor(t, 0, 8, p.recv, &r); },
       NRT_INVALID, "is a receive communicator"},
      {"nrt_async_sendrecv_send_tensor", [&] { return nrt_async_sendrecv_send_tensor(nullptr, 0, 8, p.send, &r); },
       NRT_INVALID, "tensor"},
      {"nrt_async_sendrecv_recv_tensor", [&] { return nrt_async_sendrecv_recv_tensor(t, 0, 8, nullptr, &r); },
       NRT_INVALID_HANDLE, "NULL"},
      {"nrt_async_sendrecv_recv_tensor", [&] { return nrt_async_sendrecv_recv_tensor(t, 0, 8, p.recv, nullptr); },
       NRT_INVALID, "request"},
      {"nrt_async_sendrecv_test_request",
       [&] {
         return nrt_async_sendrecv_test_request(reinterpret_cast<nrt_async_sendrecv_request_t*>(0x2000), &done, &n);
       },
       NRT_INVALID_HANDLE, "not a live"},
  };
  for (const Case& k : cases) {
    StderrCapture cap;
    EXPECT_EQ(k.call(), k.want) << k.api << " / " << k.says;
    ExpectOneLine(cap.Stop(), k.api, k.says);
  }
  EXPECT_EQ(c, nullptr);
  EXPECT_EQ(r, nullptr);
  // After close, the communicators of the core are gone.
  ASSERT_EQ(nrt_async_sendrecv_close(0), NRT_SUCCESS);
  EXPECT_EQ(nrt_async_sendrecv_test_comm(p.send, &done), NRT_INVALID_HANDLE);
}

TEST(SendRecv, MalformedBootstrapPortIsRefused) {
  setenv("NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT", "70000", 1);
  NRTEST_INIT(rt);
  StderrCapture cap;
  EXPECT_EQ(nrt_async_sendrecv_init(0), NRT_INVALID);
  ExpectOneLine(cap.Stop(), "nrt_async_sendrecv_init", "NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT");
}

// A message larger than the receive posted for it fails that receive (and the communicator), never
// overruns the tensor.
TEST(SendRecv, MessageLargerThanTheReceiveFailsIt) {
  UsePorts();
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_async_sendrecv_init(0), NRT_SUCCESS);
  Pair p = Connect(0, 0, true);
  Tensor src(0, 256), dst(0, 256);
  nrt_async_sendrecv_request_t *s, *r;
  ASSERT_EQ(nrt_async_sendrecv_recv_tensor(dst, 200, 50, p.recv, &r), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_sendrecv_send_tensor(src, 0, 100, p.send, &s), NRT_SUCCESS);
  size_t n = 1;
  EXPECT_EQ(WaitRequest(r, &n), NRT_INVALID);
  EXPECT_EQ(n, 0u);
  bool done = false;
  EXPECT_EQ(nrt_async_sendrecv_test_comm(p.recv, &done), NRT_INVALID) << "the stream cannot be resynchronised";
}

// A peer that never arrives: both sides report NRT_TIMEOUT within the runtime timeout.
TEST(SendRecv, PeerThatNeverArrivesTimesOut) {
  UsePorts();
  setenv("NEURON_RT_EXEC_TIMEOUT", "0.3", 1);
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_async_sendrecv_init(0), NRT_SUCCESS);
  nrt_async_sendrecv_comm_t *out = nullptr, *in = nullptr;
  ASSERT_EQ(nrt_async_sendrecv_connect("127.0.0.1", 3, 0, &out), NRT_SUCCESS);  // lnc 3 never listens
  ASSERT_EQ(nrt_async_sendrecv_accept("127.0.0.1", 2, 0, &in), NRT_SUCCESS);    // lnc 2 never connects
  EXPECT_EQ(WaitComm(out), NRT_TIMEOUT);
  EXPECT_EQ(WaitComm(in), NRT_TIMEOUT);
}

// The per-core and per-communicator limits; then close (and nrt_close) with receives in flight returns
// promptly and invalidates them.
TEST(SendRecv, LimitsAndCloseWithRequestsInFlight) {
  UsePorts();
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_async_sendrecv_init(0), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_sendrecv_init(1), NRT_SUCCESS);
  Pair p = Connect(0, 1, true);
  std::vector<nrt_async_sendrecv_comm_t*> extra(15, nullptr);
  for (auto& c : extra) ASSERT_EQ(nrt_async_sendrecv_accept("127.0.0.1", 3, 0, &c), NRT_SUCCESS);
  nrt_async_sendrecv_comm_t* c17 = nullptr;
  {
    StderrCapture cap;
    EXPECT_EQ(nrt_async_sendrecv_accept("127.0.0.1", 3, 0, &c17), NRT_RESOURCE);
    ExpectOneLine(cap.Stop(), "nrt_async_sendrecv_accept", "the limit");
  }
  Tensor dst(1, 64);
  std::vector<nrt_async_sendrecv_request_t*> reqs(64);
  for (auto& r : reqs) ASSERT_EQ(nrt_async_sendrecv_recv_tensor(dst, 0, 64, p.recv, &r), NRT_SUCCESS);
  nrt_async_sendrecv_request_t* r65 = nullptr;
  {
    StderrCapture cap;
    EXPECT_EQ(nrt_async_sendrecv_recv_tensor(dst, 0, 64, p.recv, &r65), NRT_RESOURCE);
    ExpectOneLine(cap.Stop(), "nrt_async_sendrecv_recv_tensor", "the limit");
  }
  bool done = true;
  size_t n = 0;
  EXPECT_EQ(nrt_async_sendrecv_test_request(reqs[0], &done, &n), NRT_SUCCESS);
  EXPECT_FALSE(done) << "nothing was sent";
  const auto t0 = Clock::now();
  EXPECT_EQ(nrt_async_sendrecv_close(1), NRT_SUCCESS);
  EXPECT_EQ(nrt_async_sendrecv_test_request(reqs[0], &done, &n), NRT_INVALID_HANDLE);
  // lnc 0 keeps a send communicator whose peer closed, and 15 pending accepts: nrt_close ends them.
  rt.Close();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 10.0);
}

// ---- Two processes on loopback ----

int SrEnvInt(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : -1;
}

// The peer's address: NRTEST_SR_PEER, or loopback.
std::string SrPeer() {
  const char* v = std::getenv("NRTEST_SR_PEER");
  return v != nullptr ? v : "127.0.0.1";
}

// The child's part. Roles: "recv" (lnc 1: accept from lnc 0, receive, check, send it back),
// "send" (lnc 0: send, receive the echo, check), "die-after-connect" (connect / accept, then SIGKILL),
// "recv-from-dead" (accept, receive: must fail), "send-to-dead" (connect, send until it fails).
TEST(SendRecvProcess, Role) {
  const char* role_env = std::getenv("NRTEST_SR_ROLE");
  if (role_env == nullptr) GTEST_SKIP() << "run by the SendRecvProcess tests";
  const std::string role = role_env;
  const int me = SrEnvInt("NRTEST_SR_LNC"), peer = 1 - me;
  const size_t kBytes = static_cast<size_t>(SrEnvInt("NRTEST_SR_BYTES"));
  NRTEST_INIT(rt);
  ASSERT_EQ(nrt_async_sendrecv_init(me), NRT_SUCCESS);
  nrt_async_sendrecv_comm_t *out = nullptr, *in = nullptr;
  ASSERT_EQ(nrt_async_sendrecv_connect(SrPeer().c_str(), peer, me, &out), NRT_SUCCESS);
  ASSERT_EQ(nrt_async_sendrecv_accept(SrPeer().c_str(), peer, me, &in), NRT_SUCCESS);
  ASSERT_EQ(WaitComm(out), NRT_SUCCESS);
  ASSERT_EQ(WaitComm(in), NRT_SUCCESS);
  if (role == "die-after-connect") raise(SIGKILL);
  Tensor t(me, kBytes, "t");
  nrt_async_sendrecv_request_t* r = nullptr;
  size_t n = 0;
  const std::vector<uint8_t> a = Pattern(kBytes, 3);
  if (role == "send") {
    WriteAll(t, a);
    ASSERT_EQ(nrt_async_sendrecv_send_tensor(t, 0, kBytes, out, &r), NRT_SUCCESS);
    ASSERT_EQ(WaitRequest(r, &n), NRT_SUCCESS);
    ASSERT_EQ(nrt_tensor_memset(t, 0, 0, kBytes), NRT_SUCCESS);
    ASSERT_EQ(nrt_async_sendrecv_recv_tensor(t, 0, kBytes, in, &r), NRT_SUCCESS);
    ASSERT_EQ(WaitRequest(r, &n), NRT_SUCCESS);
    ASSERT_EQ(n, kBytes);
    EXPECT_EQ(ReadAll<uint8_t>(t), a) << "the echo";
  } else if (role == "recv") {
    ASSERT_EQ(nrt_async_sendrecv_recv_tensor(t, 0, kBytes, in, &r), NRT_SUCCESS);
    ASSERT_EQ(WaitRequest(r, &n), NRT_SUCCESS);
    ASSERT_EQ(n, kBytes);
    ASSERT_EQ(ReadAll<uint8_t>(t), a);
    ASSERT_EQ(nrt_async_sendrecv_send_tensor(t, 0, kBytes, out, &r), NRT_SUCCESS);
    ASSERT_EQ(WaitRequest(r, &n), NRT_SUCCESS);
  } else if (role == "recv-from-dead") {
    ASSERT_EQ(nrt_async_sendrecv_recv_tensor(t, 0, kBytes, in, &r), NRT_SUCCESS);
    EXPECT_EQ(WaitRequest(r, &n), NRT_EXEC_HW_ERR_COLLECTIVES);
    bool done = false;
    EXPECT_EQ(nrt_async_sendrecv_test_comm(in, &done), NRT_EXEC_HW_ERR_COLLECTIVES);
    EXPECT_EQ(nrt_async_sendrecv_recv_tensor(t, 0, kBytes, in, &r), NRT_EXEC_HW_ERR_COLLECTIVES);
  } else if (role == "send-to-dead") {
    // The first sends may still fit in the socket buffers; one of them meets the reset (EPIPE, and no
    // SIGPIPE: this process must live on to report it).
    NRT_STATUS s = NRT_SUCCESS;
    for (int i = 0; i < 50 && s == NRT_SUCCESS; ++i) {
      ASSERT_EQ(nrt_async_sendrecv_send_tensor(t, 0, kBytes, out, &r), NRT_SUCCESS);
      s = WaitRequest(r, &n);
    }
    EXPECT_EQ(s, NRT_EXEC_HW_ERR_COLLECTIVES);
  } else {
    FAIL() << "unknown role " << role;
  }
  EXPECT_EQ(nrt_async_sendrecv_close(me), NRT_SUCCESS);
}

struct Child {
  std::string role;
  int lnc;
};

std::vector<ChildResult> RunPair(const std::vector<Child>& children, size_t bytes, std::string* logs) {
  const std::string port = "NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT=" + std::to_string(FreePortBlock(2));
  std::vector<ChildResult> results(children.size());
  std::vector<std::string> paths(children.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < children.size(); ++i) {
    paths[i] = TempPath("sr_" + children[i].role + ".log");
    std::vector<std::string> env = {port, "NRTEST_SR_ROLE=" + children[i].role,
                                    "NRTEST_SR_LNC=" + std::to_string(children[i].lnc),
                                    "NRTEST_SR_BYTES=" + std::to_string(bytes)};
    threads.emplace_back([&, i, env] { results[i] = RunSelf("SendRecvProcess.Role", env, paths[i], 60); });
  }
  for (auto& t : threads) t.join();
  for (const std::string& p : paths) *logs += "--- " + p + "\n" + ReadText(p);
  return results;
}

TEST(SendRecvProcess, TwoProcessesOnLoopbackEcho) {
  std::string logs;
  auto r = RunPair({{"send", 0}, {"recv", 1}}, 3 << 20, &logs);
  EXPECT_TRUE(r[0].Succeeded()) << logs;
  EXPECT_TRUE(r[1].Succeeded()) << logs;
}

// Two hosts: each process in its own network namespace, joined by a veth pair (root only).
TEST(SendRecvProcess, TwoHostsInNetworkNamespacesEcho) {
  cctest::TwoHosts hosts;
  if (!hosts.unavailable().empty()) GTEST_SKIP() << hosts.unavailable();
  const std::string port = "NEURON_RT_ASYNC_SENDRECV_BOOTSTRAP_PORT=" + std::to_string(FreePortBlock(2));
  const std::string roles[] = {"send", "recv"};
  std::vector<ChildResult> results(2);
  std::vector<std::string> logs = {TempPath("sr_netns_send.log"), TempPath("sr_netns_recv.log")};
  std::vector<std::thread> threads;
  for (int h = 0; h < 2; ++h) {
    threads.emplace_back([&, h] {
      results[h] =
          hosts.RunSelfIn(h, "SendRecvProcess.Role",
                          {port, "NRTEST_SR_ROLE=" + roles[h], "NRTEST_SR_LNC=" + std::to_string(h),
                           "NRTEST_SR_BYTES=" + std::to_string(3 << 20), "NRTEST_SR_PEER=" + hosts.addr(1 - h)},
                          logs[h]);
    });
  }
  for (auto& t : threads) t.join();
  for (int h = 0; h < 2; ++h)
    EXPECT_TRUE(results[h].Succeeded()) << roles[h] << ": " << results[h].Describe() << "\n" << ReadText(logs[h]);
}

TEST(SendRecvProcess, KilledSenderFailsThePendingReceive) {
  std::string logs;
  auto r = RunPair({{"die-after-connect", 0}, {"recv-from-dead", 1}}, 4096, &logs);
  EXPECT_TRUE(r[0].started && !r[0].timed_out && WIFSIGNALED(r[0].wstatus)) << logs;
  EXPECT_TRUE(r[1].Succeeded()) << logs;
}

TEST(SendRecvProcess, KilledReceiverFailsTheSendWithoutSigpipe) {
  std::string logs;
  auto r = RunPair({{"send-to-dead", 0}, {"die-after-connect", 1}}, 1 << 20, &logs);
  EXPECT_TRUE(r[0].Succeeded()) << logs;
  EXPECT_TRUE(r[1].started && !r[1].timed_out && WIFSIGNALED(r[1].wstatus)) << logs;
}

}  // namespace
