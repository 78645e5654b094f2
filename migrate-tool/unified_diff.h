// A unified diff of one file before and after a set of edits (hunks come from the edits, three lines of
// context, like `diff -u`).
#pragma once

#include <string>
#include <vector>

#include "edit_set.h"

namespace nrtm {

std::string UnifiedDiff(const std::string& old_name, const std::string& new_name, const std::string& old_text,
                        const std::vector<Edit>& edits);

}  // namespace nrtm
