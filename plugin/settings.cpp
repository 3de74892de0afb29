#include "settings.hpp"

#include <string>
#include <string_view>

#include "core/crypto.hpp"
#include "keys/keys.hpp"
#include "ws.hpp"

namespace oidu_plugin {
namespace {

constexpr const char* kUatName = "oscore_idu_contexts";

// One row of the key table. The member names are those of the built-in table's fields
// (packet-oscore.c), so that `-o uat:` errors and the GUI read the same.
struct ContextRow {
  char* sender_id_prefs;
  char* recipient_id_prefs;
  char* master_secret_prefs;
  char* master_salt_prefs;
  char* id_context_prefs;
  char* algorithm;
};

ContextRow* rows = nullptr;
guint row_count = 0;
const char* key_file_path = "";
guint repeat_timer_s = 93;
guint ending_timer_s = 0;  // 0: 3 x REPEAT_TIMER
guint ending_counter = 0;

UAT_CSTRING_CB_DEF(oidu_contexts, sender_id_prefs, ContextRow)
UAT_CSTRING_CB_DEF(oidu_contexts, recipient_id_prefs, ContextRow)
UAT_CSTRING_CB_DEF(oidu_contexts, master_secret_prefs, ContextRow)
UAT_CSTRING_CB_DEF(oidu_contexts, master_salt_prefs, ContextRow)
UAT_CSTRING_CB_DEF(oidu_contexts, id_context_prefs, ContextRow)
UAT_CSTRING_CB_DEF(oidu_contexts, algorithm, ContextRow)

std::string_view text_of(const char* s) { return s != nullptr ? s : ""; }

// A row in the built-in table's file format. The fields are checked to be hex strings
// and an algorithm name, so they need no escaping.
std::string row_line(const ContextRow& r) {
  std::string line;
  for (const char* field : {r.sender_id_prefs, r.recipient_id_prefs, r.master_secret_prefs,
                            r.master_salt_prefs, r.id_context_prefs, r.algorithm}) {
    if (!line.empty()) line += ',';
    line += '"';
    line += text_of(field);
    line += '"';
  }
  return line;
}

bool printable_without_quotes(std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// The engine's own reader checks the row, so the table accepts exactly what
// `oscore-idu analyze --keys` accepts in a Wireshark-format key file.
oidu_ws_bool row_update(void* record, char** error) {
  const auto& row = *static_cast<const ContextRow*>(record);
  for (const char* field : {row.sender_id_prefs, row.recipient_id_prefs, row.master_secret_prefs,
                            row.master_salt_prefs, row.id_context_prefs, row.algorithm}) {
    if (!printable_without_quotes(text_of(field))) {
      *error = g_strdup("fields are hex strings and an algorithm name; quotes are not allowed");
      return FALSE;
    }
  }
  const auto parsed = oidu::parse_wireshark_uat(row_line(row), kUatName);
  if (!parsed.errors.empty()) {
    *error = g_strdup(parsed.errors.front().c_str());
    return FALSE;
  }
  return TRUE;
}

void* row_copy(void* dest, const void* source, size_t) {
  auto* d = static_cast<ContextRow*>(dest);
  const auto* s = static_cast<const ContextRow*>(source);
  d->sender_id_prefs = g_strdup(s->sender_id_prefs);
  d->recipient_id_prefs = g_strdup(s->recipient_id_prefs);
  d->master_secret_prefs = g_strdup(s->master_secret_prefs);
  d->master_salt_prefs = g_strdup(s->master_salt_prefs);
  d->id_context_prefs = g_strdup(s->id_context_prefs);
  d->algorithm = g_strdup(s->algorithm);
  return d;
}

void row_free(void* record) {
  auto* r = static_cast<ContextRow*>(record);
  g_free(r->sender_id_prefs);
  g_free(r->recipient_id_prefs);
  g_free(r->master_secret_prefs);
  g_free(r->master_salt_prefs);
  g_free(r->id_context_prefs);
  g_free(r->algorithm);
}

std::string algorithm_help() {
  std::string help = "AEAD algorithm: the built-in table's name (\"AES-CCM-16-64-128 (CCM*)\"), "
                     "the COSE name or the COSE number. Supported:";
  for (const auto& a : oidu::all_aeads()) {
    help += ' ';
    help += a.name;
    help += " (" + std::to_string(a.cose_id) + ")";
  }
  return help;
}

}  // namespace

void register_settings(int proto) {
  module_t* module = prefs_register_protocol(proto, nullptr);

  static const std::string alg_help = algorithm_help();
  static uat_field_t fields[] = {
      UAT_FLD_CSTRING(oidu_contexts, sender_id_prefs, "Sender ID",
                      "Sender ID of the endpoint that sends the requests, as a hex string "
                      "(may be empty)."),
      UAT_FLD_CSTRING(oidu_contexts, recipient_id_prefs, "Recipient ID",
                      "Sender ID of the other endpoint, as a hex string (may be empty)."),
      UAT_FLD_CSTRING(oidu_contexts, master_secret_prefs, "Master Secret",
                      "Master Secret as a hex string. Mandatory."),
      UAT_FLD_CSTRING(oidu_contexts, master_salt_prefs, "Master Salt",
                      "Master Salt as a hex string. Optional."),
      UAT_FLD_CSTRING(oidu_contexts, id_context_prefs, "ID Context",
                      "ID Context as a hex string. Optional."),
      UAT_FLD_CSTRING(oidu_contexts, algorithm, "Algorithm", alg_help.c_str()),
      UAT_END_FIELDS};

  uat_t* uat = uat_new("OSCORE ID Update Security Contexts", sizeof(ContextRow), kUatName,
                       TRUE, &rows, &row_count, UAT_AFFECTS_DISSECTION,
                       nullptr, row_copy, row_update, row_free, nullptr, nullptr, fields);
  prefs_register_uat_preference(
      module, "contexts", "Security Contexts",
      "OSCORE Security Contexts, one per line, with the columns of the OSCORE dissector's "
      "table: copy its lines here. Contexts derived by ID update and KUDOS are followed "
      "without further keys.",
      uat);
  prefs_register_filename_preference(
      module, "key_file", "Key file",
      "A key file in any format oscore-idu reads: Wireshark's oscore_contexts, libcoap's "
      "oscore_conf, or the native JSON (which also holds KUDOS no-FS bootstrap material).",
      &key_file_path, FALSE);
  prefs_register_uint_preference(
      module, "repeat_timer", "REPEAT_TIMER (s)",
      "ID update REPEAT_TIMER in seconds (default MAX_TRANSMIT_WAIT = 93).", 10, &repeat_timer_s);
  prefs_register_uint_preference(
      module, "ending_timer", "ENDING_TIMER (s)",
      "ID update ENDING_TIMER in seconds, at least 3 x REPEAT_TIMER (0 = 3 x REPEAT_TIMER).", 10,
      &ending_timer_s);
  prefs_register_uint_preference(
      module, "ending_counter", "Ending counter",
      "Counter-based variant: a peer fails after sending this many ID update messages without "
      "completing (0 = use the timers).",
      10, &ending_counter);
}

AnalysisSetup current_setup() {
  AnalysisSetup setup;
  setup.config.repeat_timer_s = repeat_timer_s;
  setup.config.ending_timer_s = ending_timer_s != 0 ? ending_timer_s : 3.0 * repeat_timer_s;
  setup.config.ending_counter = ending_counter;
  setup.config.file = "wireshark";

  std::string table;
  for (guint i = 0; i < row_count; ++i) table += row_line(rows[i]) + "\n";
  auto from_table = oidu::parse_wireshark_uat(table, kUatName);
  setup.keys = std::move(from_table.entries);
  setup.key_errors = std::move(from_table.errors);

  if (key_file_path != nullptr && *key_file_path != '\0') {
    auto from_file = oidu::load_key_file(key_file_path);
    if (!from_file.format && from_file.errors.empty()) {
      from_file.errors.push_back(std::string(key_file_path) + ": not a key file oscore-idu reads");
    }
    for (auto& e : from_file.entries) setup.keys.push_back(std::move(e));
    for (auto& e : from_file.errors) setup.key_errors.push_back(std::move(e));
  }
  return setup;
}

}  // namespace oidu_plugin
