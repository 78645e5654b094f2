// Holding simulated requests in flight (simulator tests only): the NRT_SIM_FAULTS action
// "hold=PATH" keeps each request it selects from running until the file PATH exists, and the runtime
// creates PATH.held when one starts holding. A HoldGate owns such a path: put Rule(...) in NRT_SIM_FAULTS,
// schedule, check what must hold while the request is in flight, then Release().
#pragma once

#include <cstdio>
#include <string>

#include "nrtest/paths.h"
#include "nrtest/time.h"

namespace nrtest {

class HoldGate {
 public:
  explicit HoldGate(const std::string& name = "hold") : path_(TempPath(name)) {
    std::remove(path_.c_str());
    std::remove(held_path().c_str());
  }
  // Removes the files (nrt_close ends a hold still in place).
  ~HoldGate() {
    std::remove(path_.c_str());
    std::remove(held_path().c_str());
  }
  HoldGate(const HoldGate&) = delete;
  HoldGate& operator=(const HoldGate&) = delete;

  const std::string& path() const { return path_; }
  std::string held_path() const { return path_ + ".held"; }
  // An NRT_SIM_FAULTS rule holding the requests `selector` picks (e.g. "xu=compute,lnc=0,nth=1").
  std::string Rule(const std::string& selector) const { return selector + ",hold=" + path_; }
  // Whether a request has started holding (as opposed to still being queued).
  bool Holding() const { return FileExists(held_path()); }
  // Waits until a request has started holding; false after timeout_s.
  bool WaitHolding(double timeout_s = kGenerousTimeoutS) const {
    return WaitUntil([&] { return Holding(); }, timeout_s);
  }
  // Lets every held request (and every later one the rule selects) run.
  void Release() const { WriteFile(path_, "released\n"); }

 private:
  std::string path_;
};

}  // namespace nrtest
