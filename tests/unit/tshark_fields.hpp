// Runs tshark on a capture and returns the requested fields, one row per frame: the
// independent truth that the wire and capture tests compare against.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace oidu::test {

inline bool tshark_available() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

// Each row holds one string per field, in order; multiple occurrences are joined by ','.
// nullopt if tshark could not be run.
inline std::optional<std::vector<std::vector<std::string>>> tshark_fields(
    const std::string& capture, const std::vector<std::string>& fields, const std::string& extra = "") {
  std::string command = "tshark -r '" + capture + "' -T fields -E separator=/t -E occurrence=a";
  for (const auto& f : fields) command += " -e " + f;
  command += " " + extra + " 2>/dev/null";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  std::vector<std::vector<std::string>> rows;
  std::size_t line_start = 0;
  while (line_start < out.size()) {
    std::size_t line_end = out.find('\n', line_start);
    if (line_end == std::string::npos) line_end = out.size();
    std::vector<std::string> row;
    std::size_t cell_start = line_start;
    for (;;) {
      const std::size_t tab = out.find('\t', cell_start);
      if (tab == std::string::npos || tab > line_end) {
        row.push_back(out.substr(cell_start, line_end - cell_start));
        break;
      }
      row.push_back(out.substr(cell_start, tab - cell_start));
      cell_start = tab + 1;
    }
    rows.push_back(std::move(row));
    line_start = line_end + 1;
  }
  return rows;
}

// A boolean field as -T fields prints it: "1"/"0" up to Wireshark 4.0, "True"/"False" from
// 4.2 on. nullopt for an absent field or anything else.
inline std::optional<bool> tshark_bool(const std::string& cell) {
  if (cell == "1" || cell == "True") return true;
  if (cell == "0" || cell == "False") return false;
  return std::nullopt;
}

inline std::string third_party_capture(const std::string& name) {
  return std::string(OIDU_SOURCE_DIR) + "/captures/third-party/" + name;
}

// The fields of several captures in one tshark run (each run takes seconds): mergecap -a
// concatenates them in the given order into a temporary file.
inline std::optional<std::vector<std::vector<std::string>>> tshark_fields_of(
    const std::vector<std::string>& captures, const std::vector<std::string>& fields, const std::string& extra = "") {
  if (std::system("command -v mergecap >/dev/null 2>&1") != 0) return std::nullopt;
  const std::string merged = "/tmp/oidu-tshark-" + std::to_string(::getpid()) + ".pcapng";
  std::string command = "mergecap -a -w '" + merged + "'";
  for (const auto& c : captures) command += " '" + c + "'";
  if (std::system(command.c_str()) != 0) return std::nullopt;
  auto rows = tshark_fields(merged, fields, extra);
  std::remove(merged.c_str());
  return rows;
}

}  // namespace oidu::test
