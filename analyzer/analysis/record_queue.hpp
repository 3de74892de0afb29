// Message records on their way to the sink, in frame order: while a tracker cannot yet
// say what an earlier message was, it and every later record wait here.
#pragma once
#include <cstddef>
#include <deque>

#include "analysis/analyzer.hpp"

namespace oidu {

class RecordQueue {
 public:
  // Bounded: a tracker that is still undecided when the queue is full must decide.
  static constexpr std::size_t kMaxHeld = 64;

  explicit RecordQueue(EventSink& sink) : sink_(sink) {}

  void pass(const MessageRecord& rec) { sink_.on_message(rec); }
  void hold(const MessageRecord& rec) { held_.push_back(rec); }
  bool full() const { return held_.size() >= kMaxHeld; }
  // The records held, for a tracker that decides their procedure and role.
  std::deque<MessageRecord>& held() { return held_; }
  void release() {
    for (const MessageRecord& rec : held_) sink_.on_message(rec);
    held_.clear();
  }

 private:
  EventSink& sink_;
  std::deque<MessageRecord> held_;
};

}  // namespace oidu
