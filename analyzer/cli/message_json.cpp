#include "cli/message_json.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/text_append.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

// `name` is a literal such as ",\"time\":": appended without measuring it at run time.
template <std::size_t N>
void put_literal(std::string& out, const char (&name)[N]) {
  out.append(name, N - 1);
}

bool plain(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
}

void put_string(std::string& out, std::string_view s) {
  if (std::all_of(s.begin(), s.end(), plain)) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  // Escapes and UTF-8 validation as everywhere else in the report.
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void put_hex(std::string& out, ByteView b) {
  out += '"';
  append_hex(out, b);
  out += '"';
}

// A string option as the JSON string of option_value_text(): its escaped text, then
// JSON-escaped, through a buffer reused from message to message.
void put_text_option(std::string& out, ByteView value) {
  thread_local std::string text;  // formatters may run on several threads (--jobs)
  text.clear();
  append_escaped_text(text, value);
  put_string(out, text);
}

// The JSON string of option_value_text(number, value).
void put_option_value(std::string& out, std::uint16_t number, ByteView value) {
  const OptionInfo* info = option_info(number);
  const OptionFormat format = info ? info->format : OptionFormat::Opaque;
  if (format == OptionFormat::String) return put_text_option(out, value);
  if (format == OptionFormat::Uint && value.size() <= 8) {
    std::uint64_t v = 0;
    for (const std::uint8_t b : value) v = v << 8 | b;
    out += '"';
    append_uint(out, v);
    out += '"';
    return;
  }
  put_hex(out, value);
}

// The JSON string of option_name(number).
void put_option_name(std::string& out, std::uint16_t number) {
  out += '"';
  if (const OptionInfo* info = option_info(number)) {
    out += info->name;
  } else {
    put_literal(out, "Unknown-");
    append_uint(out, number);
  }
  out += '"';
}

void put_options(std::string& out, const std::vector<OptionRecord>& options) {
  out += '[';
  bool first = true;
  for (const auto& o : options) {
    if (!first) out += ',';
    first = false;
    put_literal(out, "{\"number\":");
    append_uint(out, o.number);
    put_literal(out, ",\"name\":");
    put_option_name(out, o.number);
    put_literal(out, ",\"value\":");
    put_option_value(out, o.number, o.value);
    out += '}';
  }
  out += ']';
}

void put_bool(std::string& out, bool b) {
  if (b) put_literal(out, "true");
  else put_literal(out, "false");
}

}  // namespace

void append_json(std::string& out, const MessageRecord& m) {
  put_literal(out, "{\"frame\":");
  append_uint(out, m.frame);
  put_literal(out, ",\"time\":\"");
  append_time(out, m.time_us);
  put_literal(out, "\",\"src\":\"");
  append_endpoint(out, m.src);
  put_literal(out, "\",\"dst\":\"");
  append_endpoint(out, m.dst);
  put_literal(out, "\",\"kind\":");
  put_string(out, message_kind_name(m.kind));
  put_literal(out, ",\"type\":");
  put_string(out, m.type);
  put_literal(out, ",\"code\":\"");
  append_code(out, m.code);
  put_literal(out, "\",\"mid\":");
  append_uint(out, m.message_id);
  put_literal(out, ",\"token\":");
  put_hex(out, m.token);
  if (m.request_frame) {
    put_literal(out, ",\"request_frame\":");
    append_uint(out, *m.request_frame);
  }
  put_literal(out, ",\"status\":");
  put_string(out, decrypt_status_name(m.status));
  if (m.oscore) {
    if (m.kid) {
      put_literal(out, ",\"kid\":");
      put_hex(out, *m.kid);
    }
    put_literal(out, ",\"piv\":");
    put_hex(out, m.partial_iv);
    if (m.kid_context) {
      put_literal(out, ",\"kid_context\":");
      put_hex(out, *m.kid_context);
    }
    if (m.kudos) {
      put_literal(out, ",\"kudos\":{\"x\":");
      put_hex(out, ByteView(&m.kudos->x, 1));
      put_literal(out, ",\"nonce\":");
      put_hex(out, m.kudos->nonce);
      put_literal(out, ",\"z\":");
      put_bool(out, m.kudos->convergent());
      put_literal(out, ",\"b\":");
      put_bool(out, m.kudos->preserve_observations());
      put_literal(out, ",\"p\":");
      put_bool(out, m.kudos->no_fs());
      if (m.kudos->derivation) {
        put_literal(out, ",\"derivation\":");
        put_string(out, kudos_derivation_name(*m.kudos->derivation));
      }
      out += '}';
    }
  }
  if (!m.context.empty()) {
    put_literal(out, ",\"context\":");
    put_string(out, m.context);
    put_literal(out, ",\"context_origin\":");
    put_string(out, m.context_origin);
  }
  if (m.inner_code) {
    put_literal(out, ",\"inner_code\":\"");
    append_code(out, *m.inner_code);
    put_literal(out, "\",\"options\":");
    put_options(out, m.inner_options);
  }
  put_literal(out, ",\"outer_options\":");
  put_options(out, m.outer_options);
  put_literal(out, ",\"payload\":");
  put_hex(out, m.payload);
  if (m.procedure) {
    put_literal(out, ",\"procedure\":");
    append_uint(out, *m.procedure);
    put_literal(out, ",\"role\":");
    put_string(out, m.role);
    if (!m.peer_states.empty()) {
      put_literal(out, ",\"peer_states\":");
      put_string(out, m.peer_states);
    }
  }
  if (!m.problem.empty()) {
    put_literal(out, ",\"problem\":");
    put_string(out, m.problem);
  }
  out += '}';
}

}  // namespace oidu
