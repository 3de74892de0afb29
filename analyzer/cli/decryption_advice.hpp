// Why OSCORE messages stayed closed, said once at the end of a run: the kids (and kid
// contexts) no key has, the key contexts that opened nothing, and for a known kid that
// fails verification, what in its key entry is likely wrong (found by trying variations).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "analysis/analyzer.hpp"

namespace oidu {

class DecryptionAdvice : public EventSink {
 public:
  // `keys`: the key files' entries, which outlive the advice (none: no key file given).
  explicit DecryptionAdvice(const std::vector<KeyEntry>& keys) : keys_(keys) {}
  // Names the capture the next records come from (in the advice's "first frame N in FILE").
  void begin_capture(const std::string& label) {
    capture_ = label;
    opened_in_capture_.clear();
  }

  void on_message(const MessageRecord& m) override;
  void on_context(const ContextRecord& c) override;

  // The advice, one line each; empty when every OSCORE message was opened (or was a
  // duplicate or malformed, which diagnostics already explain).
  std::vector<std::string> lines() const;

 private:
  struct Where {
    std::uint64_t count = 0;
    std::uint64_t first_frame = 0;
    std::string capture;
    std::uint64_t order = 0;  // when first seen, across captures: the advice's order
  };
  struct Failure {
    Where where;
    std::uint64_t requests = 0, responses = 0;
    std::set<Bytes> kids;                  // of the failed requests
    std::optional<MessageRecord> request;  // the first failed request, to try variations on
    std::string hint;                      // the engine's reason, if it gave one
  };
  void note(Where& w, const MessageRecord& m);
  std::string where_text(const Where& w) const;
  // What the trial decryptions of `request` suggest. Run at the end: the engine reports
  // a key file's contexts only once it knows which peer is the client, or at finish().
  std::string try_variations(const KeyEntry& key, const MessageRecord& request) const;

  const std::vector<KeyEntry>& keys_;
  // Views into keys_, made at the first ID Context variant (most runs have none).
  std::unordered_set<std::string_view> key_names_;
  std::string capture_;
  std::uint64_t oscore_ = 0, closed_ = 0;
  std::uint64_t sightings_ = 0;
  std::map<std::pair<Bytes, std::optional<Bytes>>, Where> unknown_kids_;  // (kid, kid context)
  std::map<std::string, Failure> failures_;                              // by key context
  std::map<std::string, Where> other_reasons_;                           // problem text
  std::map<std::string, std::string> variant_of_;  // ID Context variant -> its key context
  // Names of the contexts that opened something, each added once per capture: a flag by
  // context number says whether it already is, so a message costs no string hash.
  std::unordered_set<std::string> opened_;
  std::vector<bool> opened_in_capture_;
};

}  // namespace oidu
