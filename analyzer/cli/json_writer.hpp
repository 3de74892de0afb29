// One MessageRecord as compact JSON, written straight into a string: the per-message
// part of the JSON report is its hot path, so it skips building a JSON tree. The field
// names and order are the documented contract (README, "The JSON report").
#pragma once
#include <string>

#include "analysis/records.hpp"

namespace oidu {

void append_json(std::string& out, const MessageRecord& m);

}  // namespace oidu
