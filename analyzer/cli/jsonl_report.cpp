#include "cli/jsonl_report.hpp"

#include "cli/appender.hpp"
#include "cli/json_writer.hpp"
#include "cli/text_append.hpp"

namespace oidu {

JsonlReport::JsonlReport(std::ostream& out, bool show_keys, bool with_messages)
    : out_(out), show_keys_(show_keys), with_messages_(with_messages) {}

void JsonlReport::begin_capture(const std::string& file) {
  file_json_.clear();
  append_json_string(file_json_, file);
  started_.clear();
}

void JsonlReport::open_line(std::string& line, const char* type, const char* key) const {
  line += "{\"type\":\"";
  line += type;
  line += "\",\"schema\":";
  line += std::to_string(kJsonlSchema);
  line += ",\"file\":";
  line += file_json_;
  line += ",\"";
  line += key;
  line += "\":";
}

void JsonlReport::write(const std::string& line) {
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  // Per line, so that a consumer following the output sees each event when it happens.
  out_.flush();
}

template <typename Record, typename... Options>
void JsonlReport::write_record(const char* type, const char* key, const Record& record, Options... options) {
  line_.clear();
  open_line(line_, type, key);
  append_json(line_, record, options...);
  line_ += "}\n";
  write(line_);
}

void JsonlReport::format_message(const MessageRecord& m, std::string& out) const {
  if (!with_messages_) return;
  open_line(out, "message", "message");
  append_json(out, m);
  out += "}\n";
}

void JsonlReport::write_procedure_start(const MessageRecord& m) {
  line_.clear();
  open_line(line_, "procedure-start", "procedure");
  {
    Appender out(line_);
    out.put("{\"id\":");
    append_uint(out, *m.procedure);
    out.put(",\"frame\":");
    append_uint(out, m.frame);
    out.put(",\"time\":\"");
    append_time(out, m.time_us);
    out.put("\",\"src\":\"");
    append_endpoint(out, m.src);
    out.put("\",\"dst\":\"");
    append_endpoint(out, m.dst);
    out.put("\",\"role\":\"");
    out.put(std::string_view(message_role_name(m.role)));
    out.put('"');
  }
  if (!m.context.empty()) {
    line_ += ",\"context\":";
    append_json_string(line_, m.context);
    line_ += ",\"context_origin\":";
    append_json_string(line_, m.context_origin ? context_origin_name(*m.context_origin) : "");
  }
  line_ += "}}\n";
  write(line_);
}

void JsonlReport::on_formatted_message(const MessageRecord& m, std::string_view text) {
  if (m.procedure && started_.insert(*m.procedure).second) write_procedure_start(m);
  if (!with_messages_) return;
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  out_.flush();
}

void JsonlReport::write_procedure_start(const ProcedureRecord& p) {
  line_.clear();
  open_line(line_, "procedure-start", "procedure");
  {
    Appender out(line_);
    out.put("{\"id\":");
    append_uint(out, p.id);
    out.put(",\"frame\":");
    append_uint(out, p.first_frame);
    out.put(",\"context\":");
  }
  append_json_string(line_, p.context);
  line_ += "}}\n";
  write(line_);
}

void JsonlReport::on_procedure(const ProcedureRecord& p) {
  // A procedure no message names (the KUDOS run of an integrated ID update: its messages
  // name the ID update) starts here, so that every end has its start.
  if (started_.insert(p.id).second) write_procedure_start(p);
  write_record("procedure-end", "procedure", p);
}

void JsonlReport::on_finding(const Finding& f) { write_record("finding", "finding", f); }
void JsonlReport::on_diagnostic(const Diagnostic& d) { write_record("diagnostic", "diagnostic", d); }
void JsonlReport::on_context(const ContextRecord& c) { write_record("context", "context", c, show_keys_); }

void JsonlReport::end_capture(const Summary& summary) { write_record("summary", "summary", summary); }

}  // namespace oidu
