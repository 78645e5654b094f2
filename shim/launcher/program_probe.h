// What the launcher needs to know about the program before it runs it: where execvp would find it, and
// whether the dynamic loader will honour LD_PRELOAD for it at all.
#pragma once

#include <string>

namespace nrt_launcher {

// Resolves `name` as execvp does: a name with a '/' is used as is; otherwise the first executable regular
// file named `name` in the directories of PATH (glibc's default "/bin:/usr/bin" when PATH is unset; an
// empty entry is the current directory). Returns "" when there is none.
std::string ResolveProgram(const std::string& name);

// Why LD_PRELOAD cannot take effect in a program (empty when nothing stands in the way that we can see).
struct PreloadObstacles {
  bool is_elf = false;       // an ELF executable (not a script: a script's interpreter is what gets preloaded)
  bool static_elf = false;   // ELF without PT_INTERP: no dynamic loader runs, so nothing is preloaded
  bool secure_exec = false;  // setuid/setgid to someone else, or file capabilities: glibc's secure-execution mode
                             // ignores preload paths that contain a '/'
  std::string detail;        // what was found, for the warning ("setuid root", "statically linked", ...)
};

// Reads the ELF header and program headers of `path` (32/64-bit, either byte order) and its mode bits.
PreloadObstacles ProbeProgram(const std::string& path);

}  // namespace nrt_launcher
