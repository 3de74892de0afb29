// How a tracker hands the engine a finding: code, frame, procedure and the detail for
// people. The engine adds the catalogue's severity and passes it to the sink.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "analysis/records.hpp"

namespace oidu {

class FindingReporter {
 public:
  virtual void report(FindingCode code, std::uint64_t frame, std::optional<std::uint32_t> procedure,
                      std::string message) = 0;

 protected:
  ~FindingReporter() = default;
};

}  // namespace oidu
