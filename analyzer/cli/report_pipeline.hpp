// `analyze --jobs N`: the engine is sequential, so the parallel work is around it. The
// thread that runs the engine records its events into batches; N - 2 threads format the
// messages of queued batches ahead; one writer thread formats the batch at the head of
// the queue itself if nobody has yet, and replays every batch into the report in order.
// So the report sees exactly the events, in exactly the order, of a sequential run.
#pragma once
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/report.hpp"

namespace oidu {

class ReportPipeline : public EventSink {
 public:
  // `jobs` >= 2 threads in all, counting the caller's.
  ReportPipeline(Report& report, unsigned jobs);
  ~ReportPipeline() override;
  ReportPipeline(const ReportPipeline&) = delete;
  ReportPipeline& operator=(const ReportPipeline&) = delete;

  void on_message(const MessageRecord& m) override;
  void on_procedure(const ProcedureRecord& p) override;
  void on_finding(const Finding& f) override;
  void on_diagnostic(const Diagnostic& d) override;
  void on_context(const ContextRecord& c) override;

  // Returns once the report has taken every event so far; until the next event the
  // caller may use the report itself (begin_capture, end_capture).
  void drain();

 private:
  struct Batch;
  Batch& filling();
  void submit_if_full();
  void submit();
  void format_loop();
  void write_loop();
  void format(Batch& b) const;
  void replay(Batch& b);

  Report& report_;
  const std::size_t max_batches_;
  std::vector<std::unique_ptr<Batch>> batches_;  // every batch ever made, for ownership
  Batch* current_ = nullptr;                     // being filled by the engine's thread

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Batch*> free_;
  std::deque<Batch*> queue_;   // submitted, in event order
  std::size_t outstanding_ = 0;  // submitted and not yet replayed
  bool stop_ = false;

  std::vector<std::thread> threads_;
};

}  // namespace oidu
