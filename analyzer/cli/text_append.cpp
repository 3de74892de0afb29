#include "cli/text_append.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <limits>
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

// format_time()'s text into `text`; false for years outside 1..9999, which print with
// another width (or not at all): those are left to format_time().
bool iso_time(char (&text)[27], std::int64_t time_us) {
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
  if (date.year < 1 || date.year > 9999) return false;
  const auto sod = static_cast<unsigned>(second_of_day);
  char* p = put_digits(text, static_cast<unsigned>(date.year), 4);  // 2026-11-28T12:46:01.123456Z
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
  *p = 'Z';
  return true;
}

// "0" to "255", for the octets of IPv4 addresses.
const std::array<std::string, 256> kOctets = [] {
  std::array<std::string, 256> t;
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = std::to_string(i);
  return t;
}();

}  // namespace

void append_uint(Appender& out, std::uint64_t v) {
  constexpr std::size_t kMaxDigits = 20;
  char* p = out.room(kMaxDigits);
  out.advance(std::to_chars(p, p + kMaxDigits, v).ptr);
}

void append_hex(Appender& out, ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char* p = out.room(2 * bytes.size());
  for (const std::uint8_t b : bytes) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 0x0f];
  }
  out.advance(p);
}

void append_time(Appender& out, std::int64_t time_us) {
  // Messages come seconds apart at most: the date and time of day are formatted once
  // per second, and only the microseconds for each message.
  thread_local std::int64_t cached_second = std::numeric_limits<std::int64_t>::min();
  thread_local char text[27];
  const std::int64_t second = time_us >= 0 ? time_us / 1000000 : -((-(time_us + 1)) / 1000000) - 1;
  if (second != cached_second) {
    if (!iso_time(text, time_us)) return out.put(format_time(time_us));
    cached_second = second;
  } else {
    put_digits(text + 20, static_cast<unsigned>(time_us - second * 1000000), 6);
  }
  out.put(std::string_view(text, sizeof text));
}

void append_clock_time(Appender& out, std::int64_t time_us) {
  char text[27];
  if (iso_time(text, time_us)) return out.put(std::string_view(text + 11, sizeof text - 12));
  const std::string iso = format_time(time_us);
  const std::size_t t = iso.find('T');
  out.put(t == std::string::npos ? std::string_view(iso) : std::string_view(iso).substr(t + 1, iso.size() - t - 2));
}

void append_endpoint(Appender& out, const Endpoint& e) {
  if (e.ip.version == 6) {
    // inet_ntop's RFC 5952 form (and its IPv4-mapped notation) into a stack buffer.
    char text[INET6_ADDRSTRLEN];
    out.put('[');
    out.put(inet_ntop(AF_INET6, e.ip.bytes.data(), text, sizeof text) ? std::string_view(text) : std::string_view("?"));
    out.put("]:");
  } else {
    char* p = out.room(4 * 4);  // "255." four times, the last '.' being the ':'
    for (std::size_t i = 0; i < 4; ++i) {
      const std::string_view octet = kOctets[e.ip.bytes[i]];
      p = std::copy(octet.begin(), octet.end(), p);
      *p++ = i < 3 ? '.' : ':';
    }
    out.advance(p);
  }
  append_uint(out, e.port);
}

void append_code(Appender& out, std::uint8_t code) {
  char* p = out.room(4);
  p[0] = static_cast<char>('0' + (code >> 5));
  p[1] = '.';
  out.advance(put_digits(p + 2, code & 0x1fu, 2));
}

}  // namespace oidu
