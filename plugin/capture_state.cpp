#include "capture_state.hpp"

#include <exception>
#include <utility>

namespace oidu_plugin {

class CaptureState::Sink : public oidu::EventSink {
 public:
  explicit Sink(CaptureState& state) : state_(state) {}
  void on_message(const oidu::MessageRecord& m) override {
    state_.messages_.add(m);
  }
  void on_procedure(const oidu::ProcedureRecord& p) override { state_.procedures_[p.id] = p; }
  void on_finding(const oidu::Finding& f) override {
    state_.notes_[f.frame].findings.push_back(f);
  }
  void on_diagnostic(const oidu::Diagnostic& d) override {
    state_.add_diagnostic(d.frame, d.message);
  }

 private:
  CaptureState& state_;
};

CaptureState::CaptureState() = default;
CaptureState::~CaptureState() = default;

void CaptureState::start(AnalysisSetup setup) {
  reset();
  pending_key_errors_ = std::move(setup.key_errors);
  sink_ = std::make_unique<Sink>(*this);
  analyzer_ = std::make_unique<oidu::Analyzer>(std::move(setup.config), std::move(setup.keys),
                                               *sink_);
}

void CaptureState::add_diagnostic(std::uint64_t frame, std::string text) {
  // Diagnostics about the file as a whole (frame 0) go to the first frame fed.
  std::uint64_t at = frame != 0 ? frame : (last_fed_ != 0 ? last_fed_ : 1);
  notes_[at].diagnostics.push_back(std::move(text));
}

void CaptureState::feed(const oidu::Frame& frame) {
  if (!analyzer_ || finished_ || frame.number <= last_fed_) return;
  last_fed_ = frame.number;
  for (auto& error : pending_key_errors_) add_diagnostic(frame.number, std::move(error));
  pending_key_errors_.clear();
  // Wireshark is C: nothing may propagate out of a dissector.
  try {
    analyzer_->process(frame);
  } catch (const std::exception& e) {
    add_diagnostic(frame.number, std::string("analysis error: ") + e.what());
  } catch (...) {
    add_diagnostic(frame.number, "analysis error");
  }
}

void CaptureState::finish() {
  if (!analyzer_ || finished_) return;
  finished_ = true;
  try {
    analyzer_->finish();
  } catch (const std::exception& e) {
    add_diagnostic(last_fed_, std::string("analysis error at the end of the capture: ") + e.what());
  } catch (...) {
    add_diagnostic(last_fed_, "analysis error at the end of the capture");
  }
}

FrameResults CaptureState::results(std::uint64_t frame) const {
  FrameResults r;
  r.messages = messages_.messages(frame);
  if (auto it = notes_.find(frame); it != notes_.end()) {
    r.findings = it->second.findings;
    r.diagnostics = it->second.diagnostics;
  }
  return r;
}

const oidu::ProcedureRecord* CaptureState::procedure(std::uint32_t id) const {
  auto it = procedures_.find(id);
  return it == procedures_.end() ? nullptr : &it->second;
}

const oidu::Summary* CaptureState::summary() const {
  return analyzer_ ? &analyzer_->summary() : nullptr;
}

void CaptureState::reset() {
  analyzer_.reset();
  sink_.reset();
  messages_.clear();
  notes_.clear();
  procedures_.clear();
  pending_key_errors_.clear();
  last_fed_ = 0;
  finished_ = false;
}

CaptureState& capture_state() {
  static CaptureState state;
  return state;
}

}  // namespace oidu_plugin
