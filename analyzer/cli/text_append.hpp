// Times, endpoints, CoAP codes and numbers appended straight into a report's text, for
// the per-message hot path: the same text as format_time(), Endpoint::to_string() and
// code_text(), without their temporaries and printf.
#pragma once
#include <cstdint>
#include <string>

#include "capture/capture.hpp"
#include "cli/appender.hpp"

namespace oidu {

void append_uint(Appender& out, std::uint64_t v);
void append_hex(Appender& out, ByteView bytes);
// As format_time(): "2026-11-28T12:46:01.123456Z".
void append_time(Appender& out, std::int64_t time_us);
// Its time of day only: "12:46:01.123456".
void append_clock_time(Appender& out, std::int64_t time_us);
// As Endpoint::to_string(): "127.0.0.1:5683", "[2001:db8::1]:5683".
void append_endpoint(Appender& out, const Endpoint& e);
// As code_text(): "0.01", "2.05".
void append_code(Appender& out, std::uint8_t code);

}  // namespace oidu
