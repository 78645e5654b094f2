// The runtime's lifetime as an object: nrt_init on construction, nrt_close on destruction.
#pragma once

#include <gtest/gtest.h>

#include "nrt/nrt.h"
#include "nrt/nrt_status.h"

namespace nrtest {

// nrt_init on construction (check ok()), nrt_close on destruction unless Close() already ran.
class Runtime {
 public:
  Runtime() : status_(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "")) {}
  ~Runtime() { Close(); }
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  NRT_STATUS status() const { return status_; }
  bool ok() const { return status_ == NRT_SUCCESS; }
  // Closes once; later calls (and the destructor) do nothing.
  void Close() {
    if (ok() && !closed_) nrt_close();
    closed_ = true;
  }

 private:
  NRT_STATUS status_;
  bool closed_ = false;
};

}  // namespace nrtest

// Declares an nrtest::Runtime named `rt` and fails the test unless nrt_init succeeded.
#define NRTEST_INIT(rt) \
  ::nrtest::Runtime rt; \
  ASSERT_EQ(rt.status(), NRT_SUCCESS) << "nrt_init"
