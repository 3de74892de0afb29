#include "cli/text_append.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace oidu {
namespace {

// Writes `v` as exactly `width` decimal digits, zero-padded.
char* put_digits(char* p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days),
// the calendar gmtime() uses.
struct Date {
  std::int64_t year;
  unsigned month, day;
};
Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

void append_uint(std::string& out, std::uint64_t v) {
  char buffer[20];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, result.ptr);
}

void append_hex(std::string& out, ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* p = out.data() + at;
  for (const std::uint8_t b : bytes) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 0x0f];
  }
}

void append_time(std::string& out, std::int64_t time_us) {
  std::int64_t seconds = time_us / 1000000;
  std::int64_t micros = time_us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  const Date date = civil_from_days(days);
  // Years outside 1..9999 print with another width (or not at all): leave them to format_time.
  if (date.year < 1 || date.year > 9999) {
    out += format_time(time_us);
    return;
  }
  const auto sod = static_cast<unsigned>(second_of_day);
  char text[27];  // 2026-11-28T12:46:01.123456Z
  char* p = put_digits(text, static_cast<unsigned>(date.year), 4);
  *p++ = '-';
  p = put_digits(p, date.month, 2);
  *p++ = '-';
  p = put_digits(p, date.day, 2);
  *p++ = 'T';
  p = put_digits(p, sod / 3600, 2);
  *p++ = ':';
  p = put_digits(p, sod / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, sod % 60, 2);
  *p++ = '.';
  p = put_digits(p, static_cast<unsigned>(micros), 6);
  *p++ = 'Z';
  out.append(text, p);
}

void append_endpoint(std::string& out, const Endpoint& e) {
  if (e.ip.version == 6) {
    // inet_ntop's RFC 5952 form (and its IPv4-mapped notation) into a stack buffer.
    char text[INET6_ADDRSTRLEN];
    out += '[';
    out += inet_ntop(AF_INET6, e.ip.bytes.data(), text, sizeof text) ? text : "?";
    out += "]:";
  } else {
    for (int i = 0; i < 4; ++i) {
      if (i) out += '.';
      append_uint(out, e.ip.bytes[static_cast<std::size_t>(i)]);
    }
    out += ':';
  }
  append_uint(out, e.port);
}

void append_code(std::string& out, std::uint8_t code) {
  char text[4];
  text[0] = static_cast<char>('0' + (code >> 5));
  text[1] = '.';
  put_digits(text + 2, code & 0x1fu, 2);
  out.append(text, sizeof text);
}

}  // namespace oidu
