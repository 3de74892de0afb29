// Writes captured frames as they are into pcapng: an interface per input (its link type),
// nanosecond timestamps, and an optional comment per frame (opt_comment).
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace oidu {

class PcapngFrameWriter {
 public:
  ~PcapngFrameWriter();
  // nullptr and `error` ("<path>: <reason>") when the file cannot be created.
  static std::unique_ptr<PcapngFrameWriter> create(const std::string& path, std::string* error);
  // A new interface for frames of `dlt` (as CaptureReader::link_type() gives it: a DLT_*
  // value, written as its LINKTYPE_*); its index for write().
  std::uint32_t add_interface(int dlt);
  // `original_length`: the frame's length on the wire (at least data.size()).
  void write(std::uint32_t interface, std::int64_t time_ns, std::size_t original_length, ByteView data,
             std::string_view comment = {});
  // Flushes and closes; false (and `error`) on an I/O error at any point.
  bool close(std::string* error);

 private:
  PcapngFrameWriter() = default;
  void flush_buffer();
  std::FILE* file_ = nullptr;
  std::string path_;
  std::uint32_t interfaces_ = 0;
  bool failed_ = false;
  Bytes buffer_;
};

}  // namespace oidu
