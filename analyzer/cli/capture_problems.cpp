// Why a capture cannot be used, worded from the file's first bytes and libpcap's message.
#include "cli/capture_problems.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "cli/inputs.hpp"

namespace oidu {
namespace {

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// The file's first bytes, for people: what the file probably is instead.
std::string what_it_starts_with(const std::string& head) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) return "gzip-compressed: gunzip it first";
  if (head.size() >= 4 && head.compare(0, 4, "PK\x03\x04") == 0) return "a zip archive";
  if (head.rfind("{", 0) == 0) return "it starts with '{', like a JSON file (a key file?)";
  bool text = true;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (byte(i) < 0x20 && head[i] != '\n' && head[i] != '\r' && head[i] != '\t') text = false;
    if (byte(i) >= 0x7f) text = false;
  }
  const std::string first_line = head.substr(0, head.find_first_of("\r\n"));
  if (text && !first_line.empty()) return "it starts with the text \"" + first_line + "\"";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string bytes;
  for (std::size_t i = 0; i < head.size() && i < 8; ++i) {
    if (i) bytes += ' ';
    bytes += kHex[byte(i) >> 4];
    bytes += kHex[byte(i) & 15];
  }
  return "it starts with the bytes " + bytes;
}

// The magic numbers of pcap (both byte orders, micro- and nanosecond) and pcapng, with
// the size of the smallest file header of each (pcap's 24 bytes, pcapng's Section Header
// Block of 28): a file that starts right but is shorter was cut inside its header.
struct Magic {
  std::array<unsigned char, 4> bytes;
  std::size_t header_size;
};
constexpr std::array<Magic, 5> kMagics{{{{0xd4, 0xc3, 0xb2, 0xa1}, 24},
                                        {{0xa1, 0xb2, 0xc3, 0xd4}, 24},
                                        {{0x4d, 0x3c, 0xb2, 0xa1}, 24},
                                        {{0xa1, 0xb2, 0x3c, 0x4d}, 24},
                                        {{0x0a, 0x0d, 0x0d, 0x0a}, 28}}};

// The magic `head` starts with, or that `head` (shorter than 4 bytes) begins.
const Magic* magic_of(const std::string& head) {
  for (const auto& magic : kMagics) {
    const std::size_t n = std::min<std::size_t>(head.size(), 4);
    if (n > 0 && std::memcmp(head.data(), magic.bytes.data(), n) == 0) return &magic;
  }
  return nullptr;
}

// libpcap's own text after "<path>: ", if it repeats the path.
std::string without_path(const std::string& path, std::string error) {
  if (error.rfind(path + ": ", 0) == 0) error.erase(0, path.size() + 2);
  return error;
}

}  // namespace

std::optional<std::string> problem_before_open(const std::string& path) {
  if (path == "-") return std::nullopt;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + ": cannot open: " + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return path + ": a directory, not a capture";
  // Pipes and process substitution (<(tcpdump -w - ...)) cannot be peeked at.
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  if (st.st_size == 0) return path + ": empty file, not a capture";
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot open: " + std::strerror(errno);
  std::string head(16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const Magic* magic = magic_of(head);
  if (!magic) return path + ": not a pcap or pcapng file (" + what_it_starts_with(head) + ")";
  if (static_cast<std::size_t>(st.st_size) < magic->header_size) {
    return path + ": truncated in its file header, before the first frame (" + std::to_string(st.st_size) +
           " bytes)";
  }
  return std::nullopt;
}

std::string describe_open_error(const std::string& path, const std::string& error) {
  const std::string label = capture_label(path);
  const std::string reason = without_path(path, error);
  // libpcap reads the file header first: from standard input, an empty stream reads 0 bytes.
  if (contains(reason, "only got 0") && contains(reason, "file header")) return label + ": empty input, not a capture";
  if (contains(reason, "truncated")) return label + ": truncated in its file header, before the first frame";
  if (contains(reason, "unknown file format")) return label + ": not a pcap or pcapng file";
  return label + ": " + reason;
}

std::string describe_read_error(const std::string& path, const std::string& error, std::uint64_t frames) {
  const std::string reason = without_path(path, error);
  const std::string where = frames == 0 ? "before the first frame" : "after frame " + std::to_string(frames);
  if (contains(reason, "truncated")) return "truncated " + where;
  return "unreadable " + where + ": " + reason;
}

}  // namespace oidu
