#include "two_hosts.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

namespace cctest {
namespace {

// Runs argv (argv[0] looked up in PATH) with stdout to /dev/null and stderr to `log`; waits up to timeout_s.
nrtest::ChildResult Spawn(std::vector<std::string> args, const std::string& log, double timeout_s) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return nrtest::ChildResult{};
  return nrtest::WaitChild(pid, timeout_s);
}

bool Ip(std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  return Spawn(std::move(args), "/dev/null", 30).Succeeded();
}

}  // namespace

TwoHosts::TwoHosts() {
  if (geteuid() != 0) {
    unavailable_ = "needs root for ip netns (two simulated hosts); skipped";
    return;
  }
  const std::string id = std::to_string(getpid() % 100000);
  a_ = "nrtb_cc_a" + id;
  b_ = "nrtb_cc_b" + id;
  const std::string subnet = "10.77." + std::to_string(getpid() % 250 + 1) + ".";
  addr_a_ = subnet + "1";
  addr_b_ = subnet + "2";
  const std::string va = "nrtbva" + id, vb = "nrtbvb" + id;
  // Left over by a killed run of a process with the same id: its names would collide.
  Ip({"netns", "del", a_});
  Ip({"netns", "del", b_});
  const bool ok = Ip({"netns", "add", a_}) && Ip({"netns", "add", b_}) &&
                  Ip({"link", "add", va, "netns", a_, "type", "veth", "peer", "name", vb, "netns", b_}) &&
                  Ip({"-n", a_, "addr", "add", addr_a_ + "/24", "dev", va}) &&
                  Ip({"-n", b_, "addr", "add", addr_b_ + "/24", "dev", vb}) &&
                  Ip({"-n", a_, "link", "set", va, "up"}) && Ip({"-n", b_, "link", "set", vb, "up"}) &&
                  Ip({"-n", a_, "link", "set", "lo", "up"}) && Ip({"-n", b_, "link", "set", "lo", "up"});
  if (!ok) unavailable_ = "ip netns / veth unavailable here (no iproute2 or no CAP_NET_ADMIN?); skipped";
}

TwoHosts::~TwoHosts() {
  if (a_.empty()) return;
  Ip({"netns", "del", a_});  // takes the veth pair with it
  Ip({"netns", "del", b_});
}

nrtest::ChildResult TwoHosts::RunSelfIn(int host, const std::string& test, const std::vector<std::string>& env,
                                        const std::string& log, double timeout_s) const {
  std::vector<std::string> args = {"ip", "netns", "exec", ns(host), "env"};
  args.insert(args.end(), env.begin(), env.end());
  args.push_back("/proc/" + std::to_string(getpid()) + "/exe");
  args.push_back("--gtest_filter=" + test);
  return Spawn(std::move(args), log, timeout_s);
}

}  // namespace cctest
