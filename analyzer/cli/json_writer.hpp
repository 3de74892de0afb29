// The JSON report's one writer: every record as compact JSON, written straight into a
// string (the per-message part is the report's hot path, so nothing builds a JSON tree).
// The field names and order are the documented contract (README, "The JSON report").
#pragma once
#include <string>
#include <string_view>

#include "analysis/records.hpp"

namespace oidu {

// A JSON string: escaped, invalid UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view s);
void append_json(std::string& out, const MessageRecord& m);
void append_json(std::string& out, const ProcedureRecord& p);
void append_json(std::string& out, const Finding& f);
void append_json(std::string& out, const Diagnostic& d);
void append_json(std::string& out, const Summary& s);
// Master Secret and Salt only with `show_keys`.
void append_json(std::string& out, const ContextRecord& c, bool show_keys);

}  // namespace oidu
