// Where the launcher finds libnrt-implicit-async.so.
#pragma once

#include <string>

namespace nrt_launcher {

// The environment variable that names the shim explicitly (tests, unusual install layouts). It wins over
// every other location and is not passed on to the program.
inline constexpr const char* kShimOverrideEnv = "NRT_IMPLICIT_ASYNC_SHIM";

// The shim to preload, as an absolute path (LD_PRELOAD entries with a '/' are used as is; a relative one
// would be resolved against each program's working directory). In order: $NRT_IMPLICIT_ASYNC_SHIM; the
// installed layout relative to this executable (<prefix>/bin/../lib/libnrt-implicit-async.so); the build
// tree's shim when this executable is the one in the build tree. "" when none exists; `tried` lists the
// paths looked at, for the error message.
std::string FindShim(std::string* tried);

}  // namespace nrt_launcher
