// Whole-file reads and crash-safe writes for nrt-neff.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nrtneff {

// The file's bytes; throws std::runtime_error("<path>: <reason>").
std::string ReadFile(const std::filesystem::path& path);

// Writes `data` to a temporary file in the destination's directory, syncs it and renames it over
// `path`, so `path` is either untouched or complete — never half-written. Throws std::runtime_error
// naming the file on any failure (the temporary file is removed).
void WriteFileAtomically(const std::filesystem::path& path, std::string_view data);

}  // namespace nrtneff
