// The analyzer's own key file: {"contexts": [{...}, ...]}, one object per context (see
// keys.hpp for the fields). Byte strings are hex; "id_context" absent or null means no
// ID Context, "" an empty one. Unknown fields in a context are errors, so that a typo
// cannot silently drop a salt or an ID Context.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "keys/key_fields.hpp"

namespace oidu {
namespace {

using nlohmann::json;
using keys_detail::at_line;

std::size_t line_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset; ++i) line += text[i] == '\n';
  return line;
}

// nlohmann's messages start with a tag such as "[json.exception.parse_error.101] ".
std::string without_tag(std::string what) {
  if (const auto close = what.find("] "); what.rfind("[json.", 0) == 0 && close != std::string::npos) {
    what.erase(0, close + 2);
  }
  return what;
}

// Where the parser stopped: syntax errors carry the byte offset; the others (a number
// too large for a double, 406) quote the offending token, which is looked up instead.
std::size_t error_line(std::string_view text, const json::exception& e) {
  if (const auto* pe = dynamic_cast<const json::parse_error*>(&e)) {
    return pe->byte == 0 ? 1 : line_of_offset(text, pe->byte - 1);
  }
  const std::string what = e.what();
  const auto open = what.find('\'');
  const auto close = open == std::string::npos ? open : what.find('\'', open + 1);
  if (close == std::string::npos) return 1;
  const auto at = text.find(std::string_view(what).substr(open + 1, close - open - 1));
  return at == std::string_view::npos ? 1 : line_of_offset(text, at);
}

// nlohmann::json keeps no positions, so the lines of the objects in the top-level
// "contexts" array are found by a small scan that tracks strings and nesting.
std::vector<std::size_t> context_lines(std::string_view text) {
  std::vector<std::size_t> lines;
  std::size_t line = 1;
  int depth = 0;
  bool in_string = false, in_contexts = false;
  std::string last_top_string;  // the most recent string at depth 1: the key before '['
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1) last_top_string = current;
      } else {
        current += c;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; current.clear(); break;
      case '[':
        if (++depth == 2 && last_top_string == "contexts") in_contexts = true;
        break;
      case '{':
        if (++depth == 3 && in_contexts) lines.push_back(line);
        break;
      case ']':
        if (depth-- == 2) in_contexts = false;
        break;
      case '}': --depth; break;
      default: break;
    }
  }
  return lines;
}

constexpr const char* kFields[] = {"name",          "client_sender_id", "server_sender_id",
                                   "master_secret", "master_salt",      "id_context",
                                   "aead",          "hkdf",             "bootstrap_master_secret",
                                   "bootstrap_master_salt"};

std::string field_list() {
  std::string text;
  for (const char* f : kFields) {
    if (!text.empty()) text += ", ";
    text += f;
  }
  return text;
}

// Reads one context object; every problem goes to `problems`.
KeyEntry read_context(const json& object, std::vector<std::string>& problems) {
  KeyEntry e;
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const char* f : kFields) known = known || key == f;
    if (!known) problems.push_back("unknown field \"" + key + "\" (known: " + field_list() + ")");
  }
  auto hex = [&](const char* field, bool required) -> std::optional<Bytes> {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
      if (required) problems.push_back(std::string(field) + " is missing");
      return std::nullopt;
    }
    if (!it->is_string()) {
      problems.push_back(std::string(field) + " must be a hex string");
      return std::nullopt;
    }
    std::string why;
    auto bytes = keys_detail::parse_hex_field(it->get<std::string>(), field, &why);
    if (!bytes) problems.push_back(why);
    return bytes;
  };
  // Algorithms may be given by name or by COSE number.
  auto algorithm_text = [&](const char* field) -> std::optional<std::string> {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    problems.push_back(std::string(field) + " must be a name or a COSE algorithm number");
    return std::nullopt;
  };

  if (const auto it = object.find("name"); it != object.end()) {
    if (it->is_string()) e.name = it->get<std::string>();
    else problems.push_back("name must be a string");
  }
  if (auto v = hex("client_sender_id", true)) e.client_id = *v;
  if (auto v = hex("server_sender_id", true)) e.server_id = *v;
  if (auto v = hex("master_secret", true)) e.material.master_secret = *v;
  if (auto v = hex("master_salt", false)) e.material.master_salt = *v;
  e.material.id_context = hex("id_context", false);
  e.bootstrap_master_secret = hex("bootstrap_master_secret", false);
  e.bootstrap_master_salt = hex("bootstrap_master_salt", false);
  std::string why;
  if (auto text = algorithm_text("aead")) {
    if (auto a = keys_detail::parse_aead(*text, &why)) e.material.aead = *a;
    else problems.push_back(why);
  }
  if (auto text = algorithm_text("hkdf")) {
    if (auto h = keys_detail::parse_hkdf(*text, &why)) e.material.hkdf = *h;
    else problems.push_back(why);
  }
  if (problems.empty()) {
    for (auto& p : keys_detail::check_entry(e)) problems.push_back(std::move(p));
  }
  return e;
}

}  // namespace

KeyLoadResult parse_key_json(std::string_view text, const std::string& origin) {
  KeyLoadResult result;
  result.format = KeyFileFormat::Json;
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    result.errors.push_back(at_line(origin, error_line(text, e)) + ": invalid JSON: " +
                            without_tag(e.what()));
    return result;
  }
  const auto contexts = doc.is_object() ? doc.find("contexts") : doc.end();
  if (!doc.is_object() || contexts == doc.end() || !contexts->is_array()) {
    result.errors.push_back(at_line(origin, 1) +
                            ": expected an object with a \"contexts\" array");
    return result;
  }
  const auto lines = context_lines(text);
  std::map<std::string, std::size_t> names;  // name -> line, to refuse duplicates
  for (std::size_t i = 0; i < contexts->size(); ++i) {
    const std::size_t line = i < lines.size() ? lines[i] : 1;
    const std::string where = at_line(origin, line);
    const json& object = (*contexts)[i];
    if (!object.is_object()) {
      result.errors.push_back(where + ": contexts[" + std::to_string(i) + "] is not an object");
      continue;
    }
    std::vector<std::string> problems;
    KeyEntry e = read_context(object, problems);
    e.origin = where;
    if (e.name.empty()) e.name = where;
    if (const auto [it, fresh] = names.emplace(e.name, line); !fresh) {
      problems.push_back("name \"" + e.name + "\" is already used on line " +
                         std::to_string(it->second));
    }
    for (const auto& p : problems) result.errors.push_back(where + ": " + p);
    if (problems.empty()) result.entries.push_back(std::move(e));
  }
  return result;
}

}  // namespace oidu
