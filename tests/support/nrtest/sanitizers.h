// Which sanitizer a test binary is built with, for the few checks a sanitizer changes the meaning of
// (resident memory under ASan includes its quarantine and shadow). gcc defines __SANITIZE_ADDRESS__;
// clang before 16 only answers __has_feature.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define NRTEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRTEST_UNDER_ASAN 1
#endif
#endif
#ifndef NRTEST_UNDER_ASAN
#define NRTEST_UNDER_ASAN 0
#endif

#if defined(__SANITIZE_THREAD__)
#define NRTEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NRTEST_UNDER_TSAN 1
#endif
#endif
#ifndef NRTEST_UNDER_TSAN
#define NRTEST_UNDER_TSAN 0
#endif
