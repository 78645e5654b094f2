// ndebug_stream.h as a client uses it: connect to every visible core's stream, wait on the fds with
// epoll, consume events with nrt_debug_client_read_one_event, close. With no device code that emits
// debug events, the streams stay quiet and reads report NRT_QUEUE_EMPTY.
#include <sys/epoll.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "nrtest.h"
#include "nrt/ndebug_stream.h"

namespace {

std::vector<int> ConnectAll() {
  uint32_t cores = 0;
  EXPECT_EQ(nrt_get_visible_nc_count(&cores), NRT_SUCCESS);
  std::vector<int> fds;
  for (uint32_t c = 0; c < cores; ++c) {
    int fd = -1;
    EXPECT_EQ(nrt_debug_client_connect(static_cast<int>(c), &fd), NRT_SUCCESS) << "core " << c;
    EXPECT_GE(fd, 0);
    fds.push_back(fd);
  }
  return fds;
}

TEST(DebugStream, ReaderLoopSeesNoEventsAndRunsAcrossExecutions) {
  NRTEST_INIT(rt);
  std::vector<int> fds = ConnectAll();
  ASSERT_FALSE(fds.empty());
  int ep = epoll_create1(EPOLL_CLOEXEC);
  ASSERT_GE(ep, 0);
  for (int fd : fds) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0) << "a stream fd is a real, pollable fd";
  }

  // Work on the device between polls: an execution on core 0 emits no debug events either.
  nrt_model_t* model = nrtest::LoadModelFile(nrtest::ModelPath("sync_add"), 0);
  ASSERT_NE(model, nullptr);
  nrtest::ModelIo io(model, 0);
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    epoll_event events[8];
    int n = epoll_wait(ep, events, 8, 0);
    EXPECT_EQ(n, 0) << "no stream is readable";
    for (int fd : fds) {
      ndebug_stream_event_header_t header{};
      void* payload = reinterpret_cast<void*>(0x1);
      EXPECT_EQ(nrt_debug_client_read_one_event(fd, &header, &payload), NRT_QUEUE_EMPTY);
      EXPECT_EQ(payload, nullptr) << "nothing for the client to free";
      std::free(payload);
    }
  }
  ASSERT_EQ(nrt_unload(model), NRT_SUCCESS);
  close(ep);
  for (int fd : fds) nrt_debug_client_connect_close(fd);
  for (int fd : fds) EXPECT_FALSE(nrtest::FdOpen(fd)) << "nrt_debug_client_connect_close released fd " << fd;
}

TEST(DebugStream, OneClientPerCoreAndReconnectAfterClose) {
  NRTEST_INIT(rt);
  int fd = -1;
  ASSERT_EQ(nrt_debug_client_connect(0, &fd), NRT_SUCCESS);
  int second = -7;
  EXPECT_EQ(nrt_debug_client_connect(0, &second), NRT_INVALID) << "documented: one client per core";
  EXPECT_EQ(second, -7);
  int other = -1;
  EXPECT_EQ(nrt_debug_client_connect(1, &other), NRT_SUCCESS) << "another core's stream is independent";
  nrt_debug_client_connect_close(fd);
  ASSERT_EQ(nrt_debug_client_connect(0, &fd), NRT_SUCCESS) << "the core accepts a client again";
  nrt_debug_client_connect_close(fd);
  nrt_debug_client_connect_close(other);
}

TEST(DebugStream, BadArgumentsAreInvalid) {
  NRTEST_INIT(rt);
  uint32_t cores = 0;
  ASSERT_EQ(nrt_get_visible_nc_count(&cores), NRT_SUCCESS);
  int fd = -1;
  EXPECT_EQ(nrt_debug_client_connect(static_cast<int>(cores), &fd), NRT_INVALID);
  EXPECT_EQ(nrt_debug_client_connect(-1, &fd), NRT_INVALID);
  EXPECT_EQ(nrt_debug_client_connect(0, nullptr), NRT_INVALID);
  ndebug_stream_event_header_t header{};
  void* payload = nullptr;
  EXPECT_EQ(nrt_debug_client_read_one_event(2, &header, &payload), NRT_INVALID) << "stderr is not a stream";
  EXPECT_EQ(nrt_debug_client_read_one_event(-1, &header, &payload), NRT_INVALID);
  ASSERT_EQ(nrt_debug_client_connect(0, &fd), NRT_SUCCESS);
  EXPECT_EQ(nrt_debug_client_read_one_event(fd, nullptr, &payload), NRT_INVALID);
  EXPECT_EQ(nrt_debug_client_read_one_event(fd, &header, nullptr), NRT_INVALID);
  nrt_debug_client_connect_close(2);  // not a connection: ignored, stderr stays open
  EXPECT_TRUE(nrtest::FdOpen(2));
  nrt_debug_client_connect_close(fd);
  EXPECT_EQ(nrt_debug_client_read_one_event(fd, &header, &payload), NRT_INVALID) << "closed connection";
}

TEST(DebugStream, LifecycleAndFdsReleasedAtClose) {
  int fd = -1;
  ndebug_stream_event_header_t header{};
  void* payload = nullptr;
  EXPECT_EQ(nrt_debug_client_connect(0, &fd), NRT_UNINITIALIZED);
  EXPECT_EQ(nrt_debug_client_read_one_event(0, &header, &payload), NRT_UNINITIALIZED);
  std::vector<int> fds;
  {
    NRTEST_INIT(rt);
    fds = ConnectAll();
    for (int f : fds) EXPECT_TRUE(nrtest::FdOpen(f));
  }
  for (int f : fds) EXPECT_FALSE(nrtest::FdOpen(f)) << "nrt_close released fd " << f;
  EXPECT_EQ(nrt_debug_client_connect(0, &fd), NRT_CLOSED);
  EXPECT_EQ(nrt_debug_client_read_one_event(fds.empty() ? 0 : fds[0], &header, &payload), NRT_CLOSED);
  nrt_debug_client_connect_close(fds.empty() ? 0 : fds[0]);  // after close: nothing to do, no crash
}

}  // namespace
