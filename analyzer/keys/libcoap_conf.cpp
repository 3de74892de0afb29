// libcoap's OSCORE configuration file, coap-oscore-conf(5): `keyword,encoding,value`
// lines, '#' comments, values optionally in double quotes, and `complex_sender` /
// `complex_recipient` blocks (`keyword,config,'` ... `'`).
//
// The file configures ONE endpoint: its sender_id is that endpoint's own ID. We read
// it as the client's configuration (client ID = sender_id, server ID = each
// recipient_id). A server's file gives the IDs the other way round, which is harmless:
// the analyzer decides which peer is the client from the traffic and matches the
// request kid against both IDs.
#include <charconv>
#include <map>

#include "keys/key_fields.hpp"

namespace oidu {
namespace {

using keys_detail::at_line;
using keys_detail::trim;

enum Encoding : unsigned {
  kAscii = 1, kHex = 2, kInteger = 4, kUnsigned64 = 8, kText = 16, kBool = 32, kConfig = 64
};

struct EncodingName {
  const char* name;
  Encoding encoding;
};
constexpr EncodingName kEncodings[] = {{"ascii", kAscii},        {"hex", kHex},
                                       {"integer", kInteger},    {"unsigned64", kUnsigned64},
                                       {"text", kText},          {"bool", kBool},
                                       {"config", kConfig}};

struct Keyword {
  const char* name;
  unsigned encodings;
  unsigned scopes;  // where the keyword may appear
};
// Scopes: the top level, and the inside of complex_sender / complex_recipient.
constexpr unsigned kTop = 1, kSender = 2, kRecipient = 4;
constexpr Keyword kKeywords[] = {
    {"master_secret", kHex | kAscii, kTop},
    {"master_salt", kHex | kAscii, kTop},
    {"id_context", kHex | kAscii, kTop},
    {"sender_id", kHex | kAscii, kTop | kSender},
    {"recipient_id", kHex | kAscii, kTop | kRecipient},
    {"replay_window", kInteger, kTop},
    {"ssn_freq", kInteger, kTop},
    {"aead_alg", kInteger | kText, kTop},
    {"hkdf_alg", kInteger | kText, kTop},
    {"rfc8613_b_1_2", kBool, kTop},
    {"rfc8613_b_2", kBool, kTop},
    {"break_sender_key", kBool, kTop},
    {"break_recipient_key", kBool, kTop},
    {"silent_server", kBool, kRecipient},
    {"last_seq", kUnsigned64, kRecipient},
    {"sliding_window", kUnsigned64, kRecipient},
    {"complex_sender", kConfig, kTop},
    {"complex_recipient", kConfig, kTop},
};

const Keyword* find_keyword(std::string_view name) {
  for (const auto& k : kKeywords) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

std::string encodings_text(unsigned set) {
  std::string text;
  for (const auto& e : kEncodings) {
    if ((set & e.encoding) == 0) continue;
    if (!text.empty()) text += " or ";
    text += e.name;
  }
  return text;
}

std::string keyword_list() {
  std::string text;
  for (const auto& k : kKeywords) {
    if (!text.empty()) text += ", ";
    text += k.name;
  }
  return text;
}

struct Line {
  std::string_view keyword;
  Encoding encoding;
  std::string_view value;  // without the optional double quotes
};

std::optional<Line> split_line(std::string_view text, std::string* error) {
  const auto c1 = text.find(',');
  const auto c2 = c1 == std::string_view::npos ? c1 : text.find(',', c1 + 1);
  if (c2 == std::string_view::npos) {
    *error = "expected keyword,encoding,value";
    return std::nullopt;
  }
  Line line;
  line.keyword = trim(text.substr(0, c1));
  const auto encoding = trim(text.substr(c1 + 1, c2 - c1 - 1));
  const EncodingName* found = nullptr;
  for (const auto& e : kEncodings) {
    if (encoding == e.name) found = &e;
  }
  if (found == nullptr) {
    *error = "unknown encoding \"" + std::string(encoding) +
             "\" (accepted: ascii, hex, integer, unsigned64, text, bool, config)";
    return std::nullopt;
  }
  line.encoding = found->encoding;
  auto value = trim(text.substr(c2 + 1));
  if (!value.empty() && value.front() == '"') {
    const auto close = value.find('"', 1);
    if (close == std::string_view::npos) {
      *error = "value has no closing quote";
      return std::nullopt;
    }
    if (!trim(value.substr(close + 1)).empty()) {
      *error = "unexpected text after the closing quote";
      return std::nullopt;
    }
    value = value.substr(1, close - 1);
  }
  line.value = value;
  return line;
}

template <typename Int>
bool parse_int(std::string_view text, Int& out) {
  const auto t = trim(text);
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc() && ptr == t.data() + t.size() && !t.empty();
}

struct Binary {
  Bytes value;
  std::size_t line = 0;
};

// What the file says, collected before the entries are built.
struct Config {
  std::optional<Binary> master_secret, master_salt, id_context, sender_id;
  std::vector<Binary> recipient_ids;
  int aead = 10;
  HkdfHash hkdf = HkdfHash::Sha256;
};

class Reader {
 public:
  explicit Reader(const std::string& origin, KeyLoadResult& result)
      : origin_(origin), result_(result) {}

  void read(std::string_view text) {
    for (const auto& line : keys_detail::split_lines(text)) read_line(line);
    if (scope_ != kTop) error(block_line_, "the complex block opened here has no closing '");
  }

  void build_entries() {
    bool complete = true;
    auto require = [&](bool present, const char* what) {
      if (!present) {
        result_.errors.push_back(origin_ + ": " + what + " is missing");
        complete = false;
      }
    };
    require(conf_.master_secret.has_value(), "master_secret");
    require(conf_.sender_id.has_value(), "sender_id");
    require(!conf_.recipient_ids.empty(),
            "recipient_id (the analyzer needs the IDs of both peers)");
    if (!complete) return;
    for (const auto& recipient : conf_.recipient_ids) {
      KeyEntry e;
      e.client_id = conf_.sender_id->value;
      e.server_id = recipient.value;
      e.material.master_secret = conf_.master_secret->value;
      if (conf_.master_salt) e.material.master_salt = conf_.master_salt->value;
      if (conf_.id_context) e.material.id_context = conf_.id_context->value;
      e.material.aead = conf_.aead;
      e.material.hkdf = conf_.hkdf;
      e.origin = at_line(origin_, recipient.line);
      e.name = e.origin;
      const auto problems = keys_detail::check_entry(e);
      for (const auto& p : problems) result_.errors.push_back(e.origin + ": " + p);
      if (problems.empty()) result_.entries.push_back(std::move(e));
    }
  }

 private:
  void error(std::size_t line, const std::string& what) {
    result_.errors.push_back(at_line(origin_, line) + ": " + what);
  }

  void read_line(const keys_detail::TextLine& line) {
    auto text = trim(line.text);
    if (text.empty() || text.front() == '#') return;
    const unsigned scope = scope_;
    // Inside a complex block, a quote at the end of a line closes it.
    if (scope != kTop && text.back() == '\'') {
      scope_ = kTop;
      text = trim(text.substr(0, text.size() - 1));
      if (text.empty()) return;
    }
    read_entry(line.number, text, scope);
  }

  void read_entry(std::size_t number, std::string_view text, unsigned scope) {
    std::string why;
    const auto line = split_line(text, &why);
    if (!line) return error(number, why);
    const Keyword* keyword = find_keyword(line->keyword);
    if (keyword == nullptr) {
      return error(number, "unknown keyword \"" + std::string(line->keyword) +
                               "\" (known: " + keyword_list() + ")");
    }
    const std::string name = keyword->name;
    if ((keyword->encodings & line->encoding) == 0) {
      return error(number, name + " takes " + encodings_text(keyword->encodings) + ", not " +
                               encodings_text(line->encoding));
    }
    if ((keyword->scopes & scope) == 0) {
      return error(number, name + (scope == kTop ? " belongs in a complex block"
                                                 : " is not allowed in this complex block"));
    }
    switch (line->encoding) {
      case kHex:
      case kAscii: return store_binary(number, name, *line);
      case kInteger:
      case kText: return store_algorithm(number, name, *line);
      case kBool:
        if (line->value != "true" && line->value != "false") {
          error(number, name + ": expected true or false, not \"" + std::string(line->value) + "\"");
        }
        return;
      case kUnsigned64: {
        std::uint64_t v = 0;
        if (!parse_int(line->value, v)) error(number, name + ": not an unsigned 64-bit number");
        return;
      }
      case kConfig: return open_block(number, name, line->value);
    }
  }

  void store_binary(std::size_t number, const std::string& name, const Line& line) {
    Binary b;
    b.line = number;
    if (line.encoding == kAscii) {
      b.value.assign(line.value.begin(), line.value.end());
    } else {
      std::string why;
      auto hex = keys_detail::parse_hex_field(line.value, name, &why);
      if (!hex) return error(number, why);
      b.value = std::move(*hex);
    }
    if (name == "recipient_id") {
      conf_.recipient_ids.push_back(std::move(b));
      return;
    }
    std::optional<Binary>* slot = name == "master_secret" ? &conf_.master_secret
                                  : name == "master_salt" ? &conf_.master_salt
                                  : name == "id_context"  ? &conf_.id_context
                                                          : &conf_.sender_id;
    if (slot->has_value()) {
      return error(number, name + " is given twice (first on line " +
                               std::to_string((*slot)->line) + ")");
    }
    *slot = std::move(b);
  }

  void store_algorithm(std::size_t number, const std::string& name, const Line& line) {
    std::string why;
    if (name == "aead_alg") {
      if (auto a = keys_detail::parse_aead(line.value, &why)) conf_.aead = *a;
      else error(number, why);
    } else if (name == "hkdf_alg") {
      if (auto h = keys_detail::parse_hkdf(line.value, &why)) conf_.hkdf = *h;
      else error(number, why);
    } else {
      long long v = 0;
      if (!parse_int(line.value, v)) error(number, name + ": not an integer");
    }
  }

  void open_block(std::size_t number, const std::string& name, std::string_view value) {
    value = trim(value);
    if (value.empty() || value.front() != '\'') {
      return error(number, name + ": a complex block starts with a single quote '");
    }
    value = trim(value.substr(1));
    const unsigned block_scope = name == "complex_sender" ? kSender : kRecipient;
    // A block may open and close on the same line.
    if (!value.empty() && value.back() == '\'') {
      value = trim(value.substr(0, value.size() - 1));
      if (!value.empty()) read_entry(number, value, block_scope);
      return;
    }
    scope_ = block_scope;
    block_line_ = number;
    if (!value.empty() && value.front() != '#') read_entry(number, value, block_scope);
  }

  const std::string& origin_;
  KeyLoadResult& result_;
  Config conf_;
  unsigned scope_ = kTop;
  std::size_t block_line_ = 0;
};

}  // namespace

KeyLoadResult parse_libcoap_conf(std::string_view text, const std::string& origin) {
  KeyLoadResult result;
  result.format = KeyFileFormat::LibcoapConf;
  Reader reader(origin, result);
  reader.read(text);
  reader.build_entries();
  return result;
}

}  // namespace oidu
