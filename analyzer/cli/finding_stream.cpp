// A finding line per finding, written and flushed the moment the engine raises it.
#include "cli/finding_stream.hpp"

#include "analysis/finding_catalogue.hpp"

namespace oidu {

void FindingStream::on_finding(const Finding& f) {
  out_ << "finding: frame " << f.frame << " " << severity_name(f.severity) << " " << finding_name(f.code);
  if (f.procedure) out_ << " #" << *f.procedure;
  out_ << " " << f.message << std::endl;  // flushed: someone is watching
  next_.on_finding(f);
}

}  // namespace oidu
