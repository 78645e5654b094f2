#include "child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace nrt_launcher {
namespace {

volatile sig_atomic_t g_child = 0;
int g_sigchld_pipe[2] = {-1, -1};

// Signals a user may send to the launcher meaning "the program": forwarded to it.
constexpr int kForwarded[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH, SIGCONT};

void Forward(int sig, siginfo_t* info, void*) {
  // si_code > 0 means the kernel generated it (e.g. the terminal's ^C to the whole foreground process
  // group): the child got its own copy, forwarding would deliver it twice.
  if (info != nullptr && info->si_code > 0) return;
  if (g_child > 0) kill(g_child, sig);
}

void OnSigchld(int) {
  int saved = errno;
  char b = 0;
  (void)!write(g_sigchld_pipe[1], &b, 1);
  errno = saved;
}

void WriteAll(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    len -= static_cast<size_t>(n);
  }
}

}  // namespace

ChildOutcome RunChild(const std::vector<std::string>& argv) {
  ChildOutcome out;
  int handshake[2], exec_err[2];
  if (pipe2(handshake, O_CLOEXEC) != 0 || pipe2(exec_err, O_CLOEXEC) != 0 ||
      pipe2(g_sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    out.exec_errno = errno;
    return out;
  }
  setenv(kHandshakeEnv, std::to_string(handshake[1]).c_str(), 1);

  struct sigaction sa {};
  sa.sa_handler = OnSigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, nullptr);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  // The forwarded signals are blocked from before the fork until the child's pid is known: a SIGTERM that
  // arrives in between (the program may already be running when a loaded machine schedules this process
  // again) is then forwarded once unblocked, instead of killing the launcher and orphaning the program.
  sigset_t forwarded, saved_mask;
  sigemptyset(&forwarded);
  for (int s : kForwarded) sigaddset(&forwarded, s);
  sigprocmask(SIG_BLOCK, &forwarded, &saved_mask);
  struct sigaction fwd {};
  fwd.sa_sigaction = Forward;
  fwd.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&fwd.sa_mask);
  for (int s : kForwarded) sigaction(s, &fwd, nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    out.exec_errno = errno;
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    return out;
  }
  if (pid == 0) {
    // Only the handshake's write end crosses exec; the other ends are close-on-exec. The program starts with
    // default dispositions and the mask the launcher was started with.
    fcntl(handshake[1], F_SETFD, 0);
    signal(SIGCHLD, SIG_DFL);
    for (int s : kForwarded) signal(s, SIG_DFL);
    sigprocmask(SIG_SETMASK, &saved_mask, nullptr);
    execvp(args[0], args.data());
    int e = errno;
    WriteAll(exec_err[1], &e, sizeof e);
    _exit(127);
  }
  g_child = pid;
  sigprocmask(SIG_SETMASK, &saved_mask, nullptr);

  close(handshake[1]);
  close(exec_err[1]);
  unsetenv(kHandshakeEnv);

  int e = 0;
  ssize_t got;
  while ((got = read(exec_err[0], &e, sizeof e)) < 0 && errno == EINTR) {
  }
  close(exec_err[0]);
  if (got == static_cast<ssize_t>(sizeof e)) out.exec_errno = e;

  // Wait for the handshake byte and the child's exit at once: EOF on the pipe before the byte means every
  // process holding it closed it unread (e.g. it exec'd on without the shim); the exit is what ends the wait.
  bool handshake_open = true;
  while (true) {
    pid_t w = waitpid(pid, &out.wstatus, WNOHANG);
    if (w == pid) break;
    pollfd fds[2] = {{handshake_open ? handshake[0] : -1, POLLIN, 0}, {g_sigchld_pipe[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (handshake_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char b = 0;
      ssize_t n = read(handshake[0], &b, 1);
      if (n == 1 && b == '1') out.shim_loaded = true;
      if (n == 0 || n == 1) handshake_open = false;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      char drain[64];
      while (read(g_sigchld_pipe[0], drain, sizeof drain) > 0) {
      }
    }
  }
  // A handshake written just before the exit is still in the pipe.
  if (handshake_open && !out.shim_loaded) {
    fcntl(handshake[0], F_SETFL, O_NONBLOCK);
    char b = 0;
    if (read(handshake[0], &b, 1) == 1 && b == '1') out.shim_loaded = true;
  }
  close(handshake[0]);
  g_child = 0;
  return out;
}

void ExitLikeChild(int wstatus) {
  if (WIFEXITED(wstatus)) exit(WEXITSTATUS(wstatus));
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    fflush(nullptr);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(sig);
    exit(128 + sig);
  }
  exit(255);  // unreachable: waitpid without WUNTRACED reports only exits and deaths
}

}  // namespace nrt_launcher
