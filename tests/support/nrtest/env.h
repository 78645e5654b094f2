// Environment helpers. Every conformance TEST runs in its own process, so a test sets the variables it
// needs before nrt_init and never has to restore them; ScopedEnv is for the few that must.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace nrtest {

inline void SetEnv(const char* name, const char* value) { ASSERT_EQ(setenv(name, value, 1), 0) << name; }
inline void SetEnv(const char* name, const std::string& value) { SetEnv(name, value.c_str()); }
inline void UnsetEnv(const char* name) { ASSERT_EQ(unsetenv(name), 0) << name; }

// Sets (or, with nullopt, unsets) a variable and restores its previous value on destruction.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value->c_str(), 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace nrtest
