#include "cli/message_json.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

void put_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  // Escapes and UTF-8 validation as everywhere else in the report.
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void put_hex(std::string& out, const Bytes& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += '"';
  for (auto byte : b) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  out += '"';
}

void put_uint(std::string& out, std::uint64_t v) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  (void)ec;
  out.append(buffer, end);
}

void key(std::string& out, const char* name) {
  out += ",\"";
  out += name;
  out += "\":";
}

void put_options(std::string& out, const std::vector<OptionRecord>& options) {
  out += '[';
  bool first = true;
  for (const auto& o : options) {
    if (!first) out += ',';
    first = false;
    out += "{\"number\":";
    put_uint(out, o.number);
    out += ",\"name\":";
    put_string(out, option_name(o.number));
    out += ",\"value\":";
    put_string(out, option_value_text(o.number, o.value));
    out += '}';
  }
  out += ']';
}

}  // namespace

void append_json(std::string& out, const MessageRecord& m) {
  out += "{\"frame\":";
  put_uint(out, m.frame);
  key(out, "time");
  put_string(out, format_time(m.time_us));
  key(out, "src");
  put_string(out, m.src.to_string());
  key(out, "dst");
  put_string(out, m.dst.to_string());
  key(out, "kind");
  put_string(out, message_kind_name(m.kind));
  key(out, "type");
  put_string(out, m.type);
  key(out, "code");
  put_string(out, code_text(m.code));
  key(out, "mid");
  put_uint(out, m.message_id);
  key(out, "token");
  put_hex(out, m.token);
  if (m.request_frame) {
    key(out, "request_frame");
    put_uint(out, *m.request_frame);
  }
  key(out, "status");
  put_string(out, decrypt_status_name(m.status));
  if (m.oscore) {
    if (m.kid) {
      key(out, "kid");
      put_hex(out, *m.kid);
    }
    key(out, "piv");
    put_hex(out, m.partial_iv);
    if (m.kid_context) {
      key(out, "kid_context");
      put_hex(out, *m.kid_context);
    }
    if (m.kudos) {
      key(out, "kudos");
      out += "{\"x\":";
      put_hex(out, Bytes{m.kudos->x});
      key(out, "nonce");
      put_hex(out, m.kudos->nonce);
      key(out, "z");
      out += m.kudos->convergent() ? "true" : "false";
      key(out, "b");
      out += m.kudos->preserve_observations() ? "true" : "false";
      key(out, "p");
      out += m.kudos->no_fs() ? "true" : "false";
      if (m.kudos->derivation) {
        key(out, "derivation");
        put_string(out, kudos_derivation_name(*m.kudos->derivation));
      }
      out += '}';
    }
  }
  if (!m.context.empty()) {
    key(out, "context");
    put_string(out, m.context);
    key(out, "context_origin");
    put_string(out, m.context_origin);
  }
  if (m.inner_code) {
    key(out, "inner_code");
    put_string(out, code_text(*m.inner_code));
    key(out, "options");
    put_options(out, m.inner_options);
  }
  key(out, "outer_options");
  put_options(out, m.outer_options);
  key(out, "payload");
  put_hex(out, m.payload);
  if (m.procedure) {
    key(out, "procedure");
    put_uint(out, *m.procedure);
    key(out, "role");
    put_string(out, m.role);
    if (!m.peer_states.empty()) {
      key(out, "peer_states");
      put_string(out, m.peer_states);
    }
  }
  if (!m.problem.empty()) {
    key(out, "problem");
    put_string(out, m.problem);
  }
  out += '}';
}

}  // namespace oidu
