// Compile commands for the translation units to migrate: from compile_commands.json (-p) or from the
// sources on the command line plus the arguments after `--`.
#pragma once

#include <string>
#include <vector>

namespace nrtm {

struct CompileCommand {
  std::string file;               // canonical path of the main source
  std::string directory;          // working directory of the compile (relative paths resolve from here)
  std::vector<std::string> args;  // arguments for libclang: no compiler, no -o/-c, no source
};

struct CompileSet {
  std::vector<CompileCommand> commands;
  std::vector<std::string> notes;    // flags dropped, with the reason
  std::vector<std::string> errors;   // fatal: unreadable database
  std::vector<std::string> missing;  // sources asked for that the database lacks
};

// Keeps the arguments of a compiler command line that libclang can use: drops the compiler (and a launcher
// such as ccache), outputs and dependency-file flags, the source itself, -Werror, and flags only GCC knows
// (each such flag once into notes).
std::vector<std::string> FilterArgs(const std::vector<std::string>& argv, const std::string& source,
                                    std::vector<std::string>* notes, const std::string& directory = "");

bool IsSourceFile(const std::string& path);
bool IsCppFile(const std::string& path);

// inputs: files or directories (directories are searched for C/C++ sources). With build_dir non-empty the
// commands come from build_dir/compile_commands.json (all of its entries when inputs is empty).
CompileSet LoadCompileSet(const std::vector<std::string>& inputs, const std::string& build_dir,
                          const std::vector<std::string>& extra_args);

}  // namespace nrtm
