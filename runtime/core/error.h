// Internal error type. C++ code below the C boundary throws Error; runtime/api/ catches it,
// logs the message once and returns the status. Nothing throws across the C boundary.
#pragma once

#include <stdexcept>
#include <string>

#include "nrt/nrt_status.h"

namespace nrtb {

class Error : public std::runtime_error {
 public:
  Error(NRT_STATUS status, const std::string& message) : std::runtime_error(message), status_(status) {}
  NRT_STATUS status() const { return status_; }

 private:
  NRT_STATUS status_;
};

// Throws Error(NRT_INVALID, printf-formatted message).
[[noreturn]] void ThrowInvalid(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Throws Error(status, printf-formatted message).
[[noreturn]] void ThrowStatus(NRT_STATUS status, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace nrtb
