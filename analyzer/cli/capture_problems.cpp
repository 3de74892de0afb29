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
  if (text) {
    std::string shown = head.substr(0, head.find_first_of("\r\n"));
    return "it starts with the text \"" + shown + "\"";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string bytes;
  for (std::size_t i = 0; i < head.size() && i < 8; ++i) {
    if (i) bytes += ' ';
    bytes += kHex[byte(i) >> 4];
    bytes += kHex[byte(i) & 15];
  }
  return "it starts with the bytes " + bytes;
}

// The magic numbers of pcap (both byte orders, micro- and nanosecond) and pcapng.
bool is_capture_magic(const std::string& head) {
  static constexpr std::array<std::array<unsigned char, 4>, 5> kMagics{{
      {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, {0x4d, 0x3c, 0xb2, 0xa1},
      {0xa1, 0xb2, 0x3c, 0x4d}, {0x0a, 0x0d, 0x0d, 0x0a}}};
  if (head.size() < 4) return false;
  for (const auto& magic : kMagics) {
    if (std::memcmp(head.data(), magic.data(), 4) == 0) return true;
  }
  return false;
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
  if (!is_capture_magic(head)) return path + ": not a pcap or pcapng file (" + what_it_starts_with(head) + ")";
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
  const std::string label = capture_label(path);
  const std::string reason = without_path(path, error);
  const std::string where = frames == 0 ? "before the first frame" : "after frame " + std::to_string(frames);
  if (contains(reason, "truncated")) return label + ": truncated " + where;
  return label + ": unreadable " + where + ": " + reason;
}

}  // namespace oidu
