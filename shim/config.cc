#include "config.h"

#include <cstring>

namespace nrt_shim {

MaxInflight ParseMaxInflight(const char* text) {
  MaxInflight r;
  if (text == nullptr || *text == '\0') return r;
  // Digits only: strtol would accept " 3", "+3" and "3abc", which a typo can produce.
  unsigned long long n = 0;
  bool overflow = false;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') {
      r.problem = std::string("invalid ") + kMaxInflightVar + "=\"" + text +
                  "\" (expected a number from 0 to 63): implicit async mode stays off, every call is forwarded "
                  "unchanged";
      return r;
    }
    n = n * 10 + static_cast<unsigned>(*p - '0');
    if (n > 1000000) overflow = true, n = 1000000;
  }
  if (n > static_cast<unsigned long long>(kMaxInflightLimit) || overflow) {
    r.value = kMaxInflightLimit;
    r.problem = std::string(kMaxInflightVar) + "=" + text + " is above the limit of 63: using 63";
    return r;
  }
  r.value = static_cast<int>(n);
  return r;
}

bool ParseTraceFlag(const char* text) { return text != nullptr && std::strcmp(text, "1") == 0; }

}  // namespace nrt_shim
