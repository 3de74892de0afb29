// Key entries that cannot both be meant: the same context twice, or the same IDs and ID
// Context with different secrets (the engine then tries both and names both in reports).
#pragma once
#include <string>
#include <vector>

#include "keys/keys.hpp"

namespace oidu {

// One message per later entry that repeats or contradicts an earlier one, naming both
// by "file:line" (the entries' origin).
std::vector<std::string> key_conflicts(const std::vector<KeyEntry>& keys);

}  // namespace oidu
