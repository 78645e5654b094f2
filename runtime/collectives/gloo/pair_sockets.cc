#include "pair_sockets.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace nrtb {
namespace {

bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port && std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
  }
  return false;
}

// The index in `locals` of fd's local address when fd is a connected stream socket; -1 otherwise.
int Match(int fd, const std::vector<sockaddr_storage>& locals) {
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return -1;
  sockaddr_storage self{}, peer{};
  len = sizeof self;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len) != 0) return -1;
  len = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return -1;  // a listener, or not connected
  for (size_t i = 0; i < locals.size(); ++i)
    if (SameAddress(self, locals[i])) return static_cast<int>(i);
  return -1;
}

}  // namespace

std::vector<int> DuplicateConnectedSockets(const std::vector<sockaddr_storage>& locals) {
  std::vector<int> found(locals.size(), -1);
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return {};
  const int own = dirfd(dir);
  while (const dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    const int i = Match(static_cast<int>(fd), locals);
    if (i < 0 || found[i] >= 0) continue;
    const int dup = fcntl(static_cast<int>(fd), F_DUPFD_CLOEXEC, 0);
    if (dup < 0) continue;
    // Another thread may have closed fd and reused its number since the check: check what we now hold.
    if (Match(dup, locals) != i) {
      close(dup);
      continue;
    }
    found[i] = dup;
  }
  closedir(dir);
  std::vector<int> out;
  for (int fd : found)
    if (fd >= 0) out.push_back(fd);
  return out;
}

}  // namespace nrtb
