// Two simulated hosts for the cross-host tests: network namespaces joined by a veth pair, addresses
// 10.77.<n>.1 and 10.77.<n>.2, made with `ip netns` (iproute2; needs root with CAP_NET_ADMIN). Names are
// unique per test process; the destructor removes both namespaces (and the veth pair with them), also when
// the test failed.
#pragma once

#include <string>
#include <vector>

#include "nrtest.h"

namespace cctest {

class TwoHosts {
 public:
  TwoHosts();
  ~TwoHosts();
  TwoHosts(const TwoHosts&) = delete;
  TwoHosts& operator=(const TwoHosts&) = delete;

  // Why the hosts are unavailable here (a GTEST_SKIP message), empty when they are up.
  const std::string& unavailable() const { return unavailable_; }
  const std::string& ns(int host) const { return host == 0 ? a_ : b_; }
  const std::string& addr(int host) const { return host == 0 ? addr_a_ : addr_b_; }

  // Runs this test binary filtered to `test` inside host `host`'s namespace with `env` added, stderr to `log`.
  nrtest::ChildResult RunSelfIn(int host, const std::string& test, const std::vector<std::string>& env,
                                const std::string& log, double timeout_s = 60) const;

 private:
  std::string a_, b_, addr_a_, addr_b_, unavailable_;
};

}  // namespace cctest
