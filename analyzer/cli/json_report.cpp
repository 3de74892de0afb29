#include "cli/json_report.hpp"

#include "cli/json_writer.hpp"

namespace oidu {

JsonReport::JsonReport(std::ostream& out, bool show_keys, bool several_captures, bool with_messages)
    : out_(out), show_keys_(show_keys), several_(several_captures), with_messages_(with_messages) {
  if (several_) out_ << "{\"captures\": [";
}

JsonReport::~JsonReport() {
  for (Spool* s : {&procedures_, &findings_, &contexts_, &diagnostics_}) {
    if (s->file) std::fclose(s->file);
  }
}

void JsonReport::begin_capture(const std::string& file) {
  if (several_ && !first_capture_) out_ << ",";
  first_capture_ = false;
  first_message_ = true;
  for (Spool* s : {&procedures_, &findings_, &contexts_, &diagnostics_}) {
    if (s->file) std::fclose(s->file);
    s->file = std::tmpfile();
    s->empty = true;
  }
  std::string name;
  append_json_string(name, file);
  out_ << "{\"file\": " << name << ",\n \"messages\": [";
}

void JsonReport::format_message(const MessageRecord& m, std::string& out) const {
  if (!with_messages_) return;
  out += ",\n  ";
  append_json(out, m);
}

void JsonReport::on_formatted_message(const MessageRecord&, std::string_view text) {
  if (!with_messages_) return;
  if (first_message_) text.remove_prefix(1);  // no comma before the first one
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  first_message_ = false;
}

template <typename Record, typename... Options>
void JsonReport::spool(Spool& s, const Record& record, Options... options) {
  if (!s.file) return;
  spooled_.clear();
  append_json(spooled_, record, options...);
  if (!s.empty) std::fputs(",\n  ", s.file);
  std::fwrite(spooled_.data(), 1, spooled_.size(), s.file);
  s.empty = false;
}

void JsonReport::on_procedure(const ProcedureRecord& p) { spool(procedures_, p); }
void JsonReport::on_finding(const Finding& f) { spool(findings_, f); }
void JsonReport::on_diagnostic(const Diagnostic& d) { spool(diagnostics_, d); }
void JsonReport::on_context(const ContextRecord& c) { spool(contexts_, c, show_keys_); }

void JsonReport::drain(const char* key, Spool& s) {
  out_ << ",\n \"" << key << "\": [";
  if (s.file && !s.empty) {
    out_ << "\n  ";
    std::rewind(s.file);
    char buffer[8192];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, s.file)) > 0) out_.write(buffer, static_cast<std::streamsize>(n));
  }
  out_ << "]";
}

void JsonReport::end_capture(const Summary& summary) {
  out_ << "]";
  drain("procedures", procedures_);
  drain("findings", findings_);
  drain("contexts", contexts_);
  drain("diagnostics", diagnostics_);
  spooled_.clear();
  append_json(spooled_, summary);
  out_ << ",\n \"summary\": " << spooled_ << "}";
  if (!several_) out_ << "\n";
}

void JsonReport::end() {
  if (several_) out_ << "]}\n";
  out_.flush();
}

}  // namespace oidu
