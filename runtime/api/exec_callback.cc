#include "runtime/api/exec_callback.h"

#include <mutex>

namespace nrtb {
namespace {
// Only taken by an initialised-or-not parent process (callers check for a forked child first).
std::mutex g_mu;
ExecCallback g_callback;
}  // namespace

void SetExecCallback(const ExecCallback& cb) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_callback = cb;
}

ExecCallback CurrentExecCallback() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_callback;
}

}  // namespace nrtb
