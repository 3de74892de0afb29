#include "cli/json_writer.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "analysis/finding_catalogue.hpp"
#include "cli/text_append.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

// The bytes a JSON string holds as they are: printable ASCII but the quote and backslash.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

bool plain(char c) { return kPlain[static_cast<unsigned char>(c)]; }

void put_string(Appender& out, std::string_view s) {
  if (std::all_of(s.begin(), s.end(), plain)) {
    char* p = out.room(s.size() + 2);
    *p++ = '"';
    p = std::copy(s.begin(), s.end(), p);
    *p++ = '"';
    out.advance(p);
    return;
  }
  // Escapes and UTF-8 validation as everywhere else in the report.
  out.put(nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void put_hex(Appender& out, ByteView b) {
  out.put('"');
  append_hex(out, b);
  out.put('"');
}

// A string option as the JSON string of option_value_text(): its escaped text, then
// JSON-escaped, through a buffer reused from message to message.
void put_text_option(Appender& out, ByteView value) {
  thread_local std::string text;  // formatters may run on several threads (--jobs)
  text.clear();
  append_escaped_text(text, value);
  put_string(out, text);
}

// The JSON string of option_value_text(number, value).
void put_option_value(Appender& out, const OptionInfo* info, ByteView value) {
  const OptionFormat format = info ? info->format : OptionFormat::Opaque;
  if (format == OptionFormat::String) return put_text_option(out, value);
  if (format == OptionFormat::Uint && value.size() <= 8) {
    std::uint64_t v = 0;
    for (const std::uint8_t b : value) v = v << 8 | b;
    out.put('"');
    append_uint(out, v);
    out.put('"');
    return;
  }
  put_hex(out, value);
}

// The JSON string of option_name(number).
void put_option_name(Appender& out, const OptionInfo* info, std::uint16_t number) {
  out.put('"');
  if (info) {
    out.put(std::string_view(info->name));
  } else {
    out.put("Unknown-");
    append_uint(out, number);
  }
  out.put('"');
}

void put_options(Appender& out, const std::vector<OptionRecord>& options) {
  out.put('[');
  bool first = true;
  for (const auto& o : options) {
    if (!first) out.put(',');
    first = false;
    const OptionInfo* info = option_info(o.number);
    out.put("{\"number\":");
    append_uint(out, o.number);
    out.put(",\"name\":");
    put_option_name(out, info, o.number);
    out.put(",\"value\":");
    put_option_value(out, info, o.value);
    out.put('}');
  }
  out.put(']');
}

void put_bool(Appender& out, bool b) {
  if (b) out.put("true");
  else out.put("false");
}

void put_message(Appender& out, const MessageRecord& m) {
  out.put("{\"frame\":");
  append_uint(out, m.frame);
  out.put(",\"time\":\"");
  append_time(out, m.time_us);
  out.put("\",\"src\":\"");
  append_endpoint(out, m.src);
  out.put("\",\"dst\":\"");
  append_endpoint(out, m.dst);
  out.put("\",\"kind\":");
  put_string(out, message_kind_name(m.kind));
  out.put(",\"type\":");
  put_string(out, coap_type_name(m.type));
  out.put(",\"code\":\"");
  append_code(out, m.code);
  out.put("\",\"mid\":");
  append_uint(out, m.message_id);
  out.put(",\"token\":");
  put_hex(out, m.token);
  if (m.request_frame) {
    out.put(",\"request_frame\":");
    append_uint(out, *m.request_frame);
  }
  out.put(",\"status\":");
  put_string(out, decrypt_status_name(m.status));
  if (m.oscore) {
    if (m.kid) {
      out.put(",\"kid\":");
      put_hex(out, *m.kid);
    }
    out.put(",\"piv\":");
    put_hex(out, m.partial_iv);
    if (m.kid_context) {
      out.put(",\"kid_context\":");
      put_hex(out, *m.kid_context);
    }
    if (m.kudos) {
      out.put(",\"kudos\":{\"x\":");
      put_hex(out, ByteView(&m.kudos->x, 1));
      out.put(",\"nonce\":");
      put_hex(out, m.kudos->nonce);
      out.put(",\"z\":");
      put_bool(out, m.kudos->z());
      out.put(",\"b\":");
      put_bool(out, m.kudos->preserve_observations());
      out.put(",\"p\":");
      put_bool(out, m.kudos->no_fs());
      if (m.kudos->derivation) {
        out.put(",\"derivation\":");
        put_string(out, kudos_derivation_name(*m.kudos->derivation));
      }
      out.put('}');
    }
  }
  if (!m.context.empty()) {
    out.put(",\"context\":");
    put_string(out, m.context);
    out.put(",\"context_origin\":");
    put_string(out, m.context_origin ? context_origin_name(*m.context_origin) : "");
  }
  if (m.inner_code) {
    out.put(",\"inner_code\":\"");
    append_code(out, *m.inner_code);
    out.put("\",\"options\":");
    put_options(out, m.inner_options);
  }
  out.put(",\"outer_options\":");
  put_options(out, m.outer_options);
  out.put(",\"payload\":");
  put_hex(out, m.payload);
  if (m.procedure) {
    out.put(",\"procedure\":");
    append_uint(out, *m.procedure);
    out.put(",\"role\":");
    put_string(out, message_role_name(m.role));
    if (m.peer_states) {
      out.put(",\"peer_states\":");
      put_string(out, peer_states_text(*m.peer_states));
    }
  }
  if (!m.problem.empty()) {
    out.put(",\"problem\":");
    put_string(out, m.problem);
  }
  out.put('}');
}

void put_key(Appender& out, bool& first, std::string_view key) {
  out.put(first ? '{' : ',');
  first = false;
  out.put('"');
  out.put(key);
  out.put("\":");
}

void put_frames(Appender& out, const std::vector<std::uint64_t>& frames) {
  out.put('[');
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i) out.put(',');
    append_uint(out, frames[i]);
  }
  out.put(']');
}

void put_ids(Appender& out, ByteView client, ByteView server) {
  out.put("{\"client_sender_id\":");
  put_hex(out, client);
  out.put(",\"server_sender_id\":");
  put_hex(out, server);
  out.put('}');
}

void put_peer(Appender& out, const PeerRecord& p) {
  bool first = true;
  if (p.offered) {
    put_key(out, first, "offered");
    put_hex(out, *p.offered);
  }
  put_key(out, first, "completed_at");
  if (p.completed_at) append_uint(out, *p.completed_at);
  else out.put("null");
  if (p.final_state) {
    put_key(out, first, "state");
    put_string(out, kudos_state_name(*p.final_state));
  }
  out.put('}');
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  Appender appender(out);
  put_string(appender, s);
}

void append_json(std::string& out, const MessageRecord& m) {
  Appender appender(out);
  put_message(appender, m);
}

void append_json(std::string& text, const ProcedureRecord& p) {
  Appender out(text);
  bool first = true;
  put_key(out, first, "id");
  append_uint(out, p.id);
  put_key(out, first, "type");
  put_string(out, procedure_type_name(p.type));
  put_key(out, first, "initiator");
  put_string(out, initiator_name(p.initiator));
  put_key(out, first, "outcome");
  put_string(out, outcome_name(p.outcome));
  put_key(out, first, "mode");
  put_string(out, procedure_mode_name(p.mode));
  if (p.started_before_capture) {
    put_key(out, first, "started_before_capture");
    out.put("true");
  }
  put_key(out, first, "context");
  put_string(out, p.context);
  put_key(out, first, "first_frame");
  append_uint(out, p.first_frame);
  put_key(out, first, "last_frame");
  append_uint(out, p.last_frame);
  put_key(out, first, "frames");
  put_frames(out, p.frames);
  put_key(out, first, "client");
  put_string(out, p.client.to_string());
  put_key(out, first, "server");
  put_string(out, p.server.to_string());
  put_key(out, first, "old_ids");
  put_ids(out, p.old_client_id, p.old_server_id);
  if (p.new_client_id && p.new_server_id) {
    put_key(out, first, "new_ids");
    put_ids(out, *p.new_client_id, *p.new_server_id);
  }
  put_key(out, first, "peers");
  out.put("{\"client\":");
  put_peer(out, p.client_peer);
  out.put(",\"server\":");
  put_peer(out, p.server_peer);
  out.put('}');
  if (p.derivation) {
    put_key(out, first, "derivation");
    put_string(out, kudos_derivation_name(*p.derivation));
  }
  if (p.kudos_procedure) {
    put_key(out, first, "kudos_procedure");
    append_uint(out, *p.kudos_procedure);
  }
  if (!p.new_context.empty()) {
    put_key(out, first, "new_context");
    put_string(out, p.new_context);
  }
  out.put('}');
}

void append_json(std::string& text, const Finding& f) {
  Appender out(text);
  bool first = true;
  put_key(out, first, "code");
  put_string(out, finding_name(f.code));
  put_key(out, first, "severity");
  put_string(out, severity_name(f.severity));
  put_key(out, first, "frame");
  append_uint(out, f.frame);
  put_key(out, first, "procedure");
  if (f.procedure) append_uint(out, *f.procedure);
  else out.put("null");
  put_key(out, first, "message");
  put_string(out, f.message);
  out.put('}');
}

void append_json(std::string& text, const Diagnostic& d) {
  Appender out(text);
  bool first = true;
  put_key(out, first, "file");
  put_string(out, d.file);
  if (d.frame) {
    put_key(out, first, "frame");
    append_uint(out, d.frame);
  }
  put_key(out, first, "message");
  put_string(out, d.message);
  out.put('}');
}

void append_json(std::string& text, const Summary& s) {
  Appender out(text);
  bool first = true;
  for (const auto& [key, value] : {std::pair{"frames", s.frames},
                                   {"udp_datagrams", s.udp_datagrams},
                                   {"coap_messages", s.coap_messages},
                                   {"oscore_messages", s.oscore_messages},
                                   {"decrypted", s.decrypted},
                                   {"undecryptable", s.undecryptable},
                                   {"duplicates", s.duplicates},
                                   {"malformed", s.malformed},
                                   {"bad_frames", s.bad_frames},
                                   {"procedures", s.procedures},
                                   {"findings", s.findings}}) {
    put_key(out, first, key);
    append_uint(out, value);
  }
  out.put('}');
}

void append_json(std::string& text, const ContextRecord& c, bool show_keys) {
  Appender out(text);
  bool first = true;
  put_key(out, first, "name");
  put_string(out, c.name);
  put_key(out, first, "origin");
  put_string(out, context_origin_name(c.origin));
  put_key(out, first, "client_sender_id");
  put_hex(out, c.client_id);
  put_key(out, first, "server_sender_id");
  put_hex(out, c.server_id);
  put_key(out, first, "aead");
  out.put(std::to_string(c.aead));
  put_key(out, first, "hkdf");
  put_string(out, c.hkdf);
  put_key(out, first, "id_context");
  if (c.id_context) put_hex(out, *c.id_context);
  else out.put("null");
  if (c.frame) {
    put_key(out, first, "frame");
    append_uint(out, c.frame);
  }
  if (show_keys) {
    put_key(out, first, "master_secret");
    put_hex(out, c.master_secret);
    put_key(out, first, "master_salt");
    put_hex(out, c.master_salt);
  }
  out.put('}');
}

}  // namespace oidu
