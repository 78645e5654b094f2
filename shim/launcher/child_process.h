// Runs the program as a child with the preload handshake, forwarding signals sent to the launcher.
#pragma once

#include <string>
#include <vector>

namespace nrt_launcher {

// The variable naming the fd the shim's constructor writes '1' to (then closes it and unsets the variable).
inline constexpr const char* kHandshakeEnv = "NRT_IMPLICIT_ASYNC_HANDSHAKE_FD";

struct ChildOutcome {
  int exec_errno = 0;        // non-zero: the program could not be started (execvp's errno)
  int wstatus = 0;           // as from waitpid, when it ran
  bool shim_loaded = false;  // the shim's constructor ran in the child (it wrote the handshake byte)
};

// Forks, sets kHandshakeEnv in the child to the write end of a pipe and execvp()s argv (the environment
// is the launcher's current one). Signals sent to the launcher (kill, not the terminal, which signals the
// whole foreground group itself) are forwarded to the child. Returns when the child has exited; the
// handshake is read while it runs, so a program that outlives its shim's fd (or daemonised children that
// inherit it) cannot make the launcher wait past the program's exit.
ChildOutcome RunChild(const std::vector<std::string>& argv);

// Ends the launcher the way the child ended: the same exit code, or the same signal (re-raised with its
// default action; core dumps off, the child already dumped). If the signal does not end us, exit 128 + n.
[[noreturn]] void ExitLikeChild(int wstatus);

}  // namespace nrt_launcher
