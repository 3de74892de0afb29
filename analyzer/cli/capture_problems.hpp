// Why a capture cannot be used, in words that name the file once and say what it is:
// an empty file, a directory, another format, a file cut short (and after which frame).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace oidu {

// Checks a path before libpcap sees it (directories, empty files, foreign formats:
// libpcap would call an empty file a "truncated dump file"). nullopt when it may be a
// capture. Standard input ("-") cannot be looked at in advance and is never refused here.
std::optional<std::string> problem_before_open(const std::string& path);
// CaptureReader::open()'s `error` for `path`, reworded: "FILE: ..." naming the file once.
std::string describe_open_error(const std::string& path, const std::string& error);
// CaptureReader::error() after `frames` good frames, without the file's name (callers
// put it in front, the reports' diagnostics name it apart): "truncated after frame N".
std::string describe_read_error(const std::string& path, const std::string& error, std::uint64_t frames);

}  // namespace oidu
