// Marks code that plays the device's part: DMA copies and compute on device memory.
//
// On hardware those accesses are made by DMA engines and NeuronCores, which ThreadSanitizer never
// sees; ordering them against other units and the host is the application's job (SPEC §2). So the
// simulation hides them from ThreadSanitizer too: it checks the host program and the runtime's own
// synchronization, as it would against a real device. Outside TSan builds this is free.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define NRTB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NRTB_TSAN 1
#endif
#endif

#ifdef NRTB_TSAN
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
#endif

namespace nrtb {

class DeviceAccessScope {
 public:
#ifdef NRTB_TSAN
  DeviceAccessScope() { __tsan_ignore_thread_begin(); }
  ~DeviceAccessScope() { __tsan_ignore_thread_end(); }
#else
  // User-provided (not defaulted), so a scope object never counts as an unused variable.
  DeviceAccessScope() {}
  ~DeviceAccessScope() {}
#endif
  DeviceAccessScope(const DeviceAccessScope&) = delete;
  DeviceAccessScope& operator=(const DeviceAccessScope&) = delete;
};

}  // namespace nrtb
