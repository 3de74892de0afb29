// Procedures, findings, contexts, diagnostics and the summary as JSON objects (messages:
// message_json.hpp): the field names here are the documented JSON contract.
#pragma once
#include <nlohmann/json.hpp>

#include "analysis/records.hpp"

namespace oidu {

using ordered_json = nlohmann::ordered_json;

ordered_json to_json(const ProcedureRecord& p);
ordered_json to_json(const Finding& f);
ordered_json to_json(const Diagnostic& d);
ordered_json to_json(const Summary& s);
ordered_json to_json(const ContextRecord& c, bool show_keys);

}  // namespace oidu
