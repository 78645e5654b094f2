// The test executable's own copy of a Gloo symbol (see own_gloo_symbol.cc).
#pragma once

// True when this build carries the symbol (not in sanitizer builds: the sanitizers refuse the
// RTLD_DEEPBIND that keeps libnrt's Gloo apart, so there a clash would be expected, not tested).
bool CarriesOwnGlooSymbol();
// The mangled name of the constructor the executable defines.
inline constexpr const char* kOwnGlooSymbol = "_ZN4gloo10rendezvous7ContextC1Eiii";
