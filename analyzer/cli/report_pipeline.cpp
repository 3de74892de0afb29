#include "cli/report_pipeline.hpp"

namespace oidu {
namespace {

// Each handover wakes the other thread and moves the batch's records between the cores'
// caches; a thousand events make that rare next to the work in them, while the slots
// the engine's thread copies into (reused batch after batch) stay a few megabytes.
constexpr std::size_t kBatchEvents = 1024;

}  // namespace

struct ReportPipeline::Batch {
  enum class Kind : std::uint8_t { Message, Procedure, Finding, Diagnostic, Context };
  enum class State { Filling, Queued, Formatting, Formatted };

  State state = State::Filling;
  std::vector<Kind> order;
  // Slots assigned batch after batch: a record copied into a slot reuses the slot's
  // buffers, so the engine's own record is freed while still hot in its cache (taking
  // the engine's buffers instead measured slower: they went cold before reuse).
  std::vector<MessageRecord> messages;
  std::size_t message_count = 0;
  std::vector<ProcedureRecord> procedures;
  std::vector<Finding> findings;
  std::vector<Diagnostic> diagnostics;
  std::vector<ContextRecord> contexts;
  std::string text;                    // the messages' text, one after the other
  std::vector<std::size_t> text_ends;  // where each message's text ends

  void clear() {
    state = State::Filling;
    order.clear();
    message_count = 0;
    procedures.clear();
    findings.clear();
    diagnostics.clear();
    contexts.clear();
    text.clear();
    text_ends.clear();
  }
};

ReportPipeline::ReportPipeline(Report& report, unsigned jobs)
    : report_(report), max_batches_(std::size_t{jobs} + 2) {
  threads_.emplace_back(&ReportPipeline::write_loop, this);
  for (unsigned i = 2; i < jobs; ++i) threads_.emplace_back(&ReportPipeline::format_loop, this);
}

ReportPipeline::~ReportPipeline() {
  drain();
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
}

ReportPipeline::Batch& ReportPipeline::filling() {
  if (current_) return *current_;
  std::unique_lock lock(mutex_);
  if (free_.empty() && batches_.size() < max_batches_) {
    batches_.push_back(std::make_unique<Batch>());
    current_ = batches_.back().get();
    return *current_;
  }
  // Bounded: the engine waits for the report rather than running ahead of it.
  changed_.wait(lock, [this] { return !free_.empty(); });
  current_ = free_.back();
  free_.pop_back();
  return *current_;
}

void ReportPipeline::submit_if_full() {
  if (current_->order.size() >= kBatchEvents) submit();
}

void ReportPipeline::submit() {
  if (!current_) return;
  {
    std::lock_guard lock(mutex_);
    current_->state = Batch::State::Queued;
    queue_.push_back(current_);
    ++outstanding_;
  }
  current_ = nullptr;
  changed_.notify_all();
}

void ReportPipeline::on_message(const MessageRecord& m) {
  Batch& b = filling();
  if (b.message_count < b.messages.size()) {
    b.messages[b.message_count] = m;
  } else {
    b.messages.push_back(m);
  }
  ++b.message_count;
  b.order.push_back(Batch::Kind::Message);
  submit_if_full();
}

void ReportPipeline::on_procedure(const ProcedureRecord& p) {
  Batch& b = filling();
  b.procedures.push_back(p);
  b.order.push_back(Batch::Kind::Procedure);
  submit_if_full();
}

void ReportPipeline::on_finding(const Finding& f) {
  Batch& b = filling();
  b.findings.push_back(f);
  b.order.push_back(Batch::Kind::Finding);
  submit_if_full();
}

void ReportPipeline::on_diagnostic(const Diagnostic& d) {
  Batch& b = filling();
  b.diagnostics.push_back(d);
  b.order.push_back(Batch::Kind::Diagnostic);
  submit_if_full();
}

void ReportPipeline::on_context(const ContextRecord& c) {
  Batch& b = filling();
  b.contexts.push_back(c);
  b.order.push_back(Batch::Kind::Context);
  submit_if_full();
}

void ReportPipeline::drain() {
  submit();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return outstanding_ == 0; });
}

void ReportPipeline::format(Batch& b) const {
  for (std::size_t i = 0; i < b.message_count; ++i) {
    report_.format_message(b.messages[i], b.text);
    b.text_ends.push_back(b.text.size());
  }
}

void ReportPipeline::format_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    Batch* next = nullptr;
    changed_.wait(lock, [&] {
      for (Batch* b : queue_) {
        if (b->state == Batch::State::Queued) {
          next = b;
          return true;
        }
      }
      return stop_;
    });
    if (!next) return;
    next->state = Batch::State::Formatting;
    lock.unlock();
    format(*next);
    lock.lock();
    next->state = Batch::State::Formatted;
    changed_.notify_all();
  }
}

void ReportPipeline::write_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // The head of the queue once formatted, or to format here if no one has started it.
    changed_.wait(lock, [this] {
      return (stop_ && queue_.empty()) ||
             (!queue_.empty() && (queue_.front()->state == Batch::State::Formatted ||
                                  queue_.front()->state == Batch::State::Queued));
    });
    if (queue_.empty()) return;
    Batch* b = queue_.front();
    queue_.pop_front();
    const bool format_here = b->state == Batch::State::Queued;
    b->state = Batch::State::Formatting;
    lock.unlock();
    if (format_here) format(*b);
    replay(*b);
    b->clear();
    lock.lock();
    free_.push_back(b);
    --outstanding_;
    changed_.notify_all();
  }
}

void ReportPipeline::replay(Batch& b) {
  std::size_t message = 0, procedure = 0, finding = 0, diagnostic = 0, context = 0;
  std::size_t text_begin = 0;
  for (const Batch::Kind kind : b.order) {
    switch (kind) {
      case Batch::Kind::Message: {
        const std::size_t text_end = b.text_ends[message];
        report_.on_formatted_message(b.messages[message],
                                     std::string_view(b.text).substr(text_begin, text_end - text_begin));
        text_begin = text_end;
        ++message;
        break;
      }
      case Batch::Kind::Procedure: report_.on_procedure(b.procedures[procedure++]); break;
      case Batch::Kind::Finding: report_.on_finding(b.findings[finding++]); break;
      case Batch::Kind::Diagnostic: report_.on_diagnostic(b.diagnostics[diagnostic++]); break;
      case Batch::Kind::Context: report_.on_context(b.contexts[context++]); break;
    }
  }
}

}  // namespace oidu
