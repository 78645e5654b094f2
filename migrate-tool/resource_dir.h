// Finds clang's resource directory (builtin headers such as stddef.h) for the libclang we run on.
#pragma once

#include <string>

namespace nrtm {

struct ResourceDir {
  std::string path;   // empty on failure
  std::string error;  // why, naming --resource-dir
};

// explicit_dir: the --resource-dir option (checked, not searched), or empty to look beside libclang.
ResourceDir FindResourceDir(const std::string& explicit_dir);

}  // namespace nrtm
