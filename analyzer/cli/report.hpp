// What analyze_command drives, whichever the format: a report per capture, fed the
// engine's events. A message's part of the report is formatted apart from the rest
// (format_message), so that threads can format messages ahead of the one that writes.
#pragma once
#include <string>
#include <string_view>

#include "analysis/analyzer.hpp"

namespace oidu {

class Report : public EventSink {
 public:
  virtual void begin_capture(const std::string& file) = 0;
  virtual void end_capture(const Summary& summary) = 0;
  // After the last capture.
  virtual void end() {}

  // Appends the message's own text to `out`; depends on nothing but `m` and the
  // report's options, so it may run on any thread, concurrently with the rest.
  virtual void format_message(const MessageRecord& m, std::string& out) const = 0;
  // Takes a message in order, with the text format_message() gave it.
  virtual void on_formatted_message(const MessageRecord& m, std::string_view text) = 0;

  void on_message(const MessageRecord& m) final {
    line_.clear();
    format_message(m, line_);
    on_formatted_message(m, line_);
  }

 private:
  std::string line_;  // reused for each message
};

}  // namespace oidu
