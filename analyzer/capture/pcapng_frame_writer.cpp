#include "capture/pcapng_frame_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace oidu {
namespace {

// pcapng (draft-ietf-opsawg-pcapng), written little-endian whatever the host.
constexpr std::uint32_t kSectionHeader = 0x0a0d0d0a;
constexpr std::uint32_t kInterfaceDescription = 0x00000001;
constexpr std::uint32_t kEnhancedPacket = 0x00000006;
constexpr std::uint32_t kByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kSnapLength = 262144;
constexpr std::uint16_t kOptEndOfOptions = 0;
constexpr std::uint16_t kOptComment = 1;
constexpr std::uint16_t kOptTimestampResolution = 9;  // if_tsresol
constexpr std::uint8_t kNanoseconds = 9;              // 10^-9 s
constexpr std::size_t kFlushAt = 1 << 16;

void le16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void le32(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// libpcap hands out DLT values; files carry LINKTYPE values. They differ only for raw IP,
// whose DLT is 12 or 14 depending on the platform and whose LINKTYPE is 101.
std::uint16_t linktype_of(int dlt) {
  if (dlt == 12 || dlt == 14) return 101;
  return static_cast<std::uint16_t>(dlt);
}

std::size_t padded(std::size_t n) { return (n + 3) / 4 * 4; }

// One option: code, length, value padded to 32 bits.
void option(Bytes& out, std::uint16_t code, ByteView value) {
  le16(out, code);
  le16(out, static_cast<std::uint16_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
  out.insert(out.end(), padded(value.size()) - value.size(), 0);
}

}  // namespace

PcapngFrameWriter::~PcapngFrameWriter() {
  if (file_) std::fclose(file_);
}

std::unique_ptr<PcapngFrameWriter> PcapngFrameWriter::create(const std::string& path, std::string* error) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) {
    if (error) *error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<PcapngFrameWriter> writer(new PcapngFrameWriter());
  writer->file_ = file;
  writer->path_ = path;
  Bytes& out = writer->buffer_;
  le32(out, kSectionHeader);
  le32(out, 28);
  le32(out, kByteOrderMagic);
  le16(out, 1);  // version 1.0
  le16(out, 0);
  le32(out, 0xffffffff);  // section length unknown (-1)
  le32(out, 0xffffffff);
  le32(out, 28);
  return writer;
}

std::uint32_t PcapngFrameWriter::add_interface(int dlt) {
  Bytes& out = buffer_;
  const std::uint8_t resolution = kNanoseconds;
  constexpr std::uint32_t kLength = 20 + 8 + 4;  // block, if_tsresol, end of options
  le32(out, kInterfaceDescription);
  le32(out, kLength);
  le16(out, linktype_of(dlt));
  le16(out, 0);
  le32(out, kSnapLength);
  option(out, kOptTimestampResolution, ByteView(&resolution, 1));
  option(out, kOptEndOfOptions, {});
  le32(out, kLength);
  return interfaces_++;
}

void PcapngFrameWriter::write(std::uint32_t interface, std::int64_t time_ns, std::size_t original_length,
                              ByteView data, std::string_view comment) {
  // A comment's length field has 16 bits.
  comment = comment.substr(0, 0xfff0);
  const std::size_t options = comment.empty() ? 0 : 4 + padded(comment.size()) + 4;
  const auto total = static_cast<std::uint32_t>(32 + padded(data.size()) + options);
  const auto ts = static_cast<std::uint64_t>(time_ns);
  Bytes& out = buffer_;
  le32(out, kEnhancedPacket);
  le32(out, total);
  le32(out, interface);
  le32(out, static_cast<std::uint32_t>(ts >> 32));
  le32(out, static_cast<std::uint32_t>(ts));
  le32(out, static_cast<std::uint32_t>(data.size()));
  le32(out, static_cast<std::uint32_t>(std::max(original_length, data.size())));
  out.insert(out.end(), data.begin(), data.end());
  out.insert(out.end(), padded(data.size()) - data.size(), 0);
  if (!comment.empty()) {
    option(out, kOptComment, ByteView(reinterpret_cast<const std::uint8_t*>(comment.data()), comment.size()));
    option(out, kOptEndOfOptions, {});
  }
  le32(out, total);
  if (buffer_.size() >= kFlushAt) flush_buffer();
}

void PcapngFrameWriter::flush_buffer() {
  if (!failed_ && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
}

bool PcapngFrameWriter::close(std::string* error) {
  if (!file_) return false;
  flush_buffer();
  const int saved = errno;
  const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  const bool ok = !failed_ && flushed && closed;
  if (!ok && error) *error = path_ + ": " + std::strerror(errno ? errno : saved);
  return ok;
}

}  // namespace oidu
