// Times, endpoints, CoAP codes and numbers appended straight to a string, for the
// per-message hot path of the reports: the same text as format_time(),
// Endpoint::to_string() and code_text(), without their temporaries and printf.
#pragma once
#include <cstdint>
#include <string>

#include "capture/capture.hpp"

namespace oidu {

void append_uint(std::string& out, std::uint64_t v);
void append_hex(std::string& out, ByteView bytes);
// As format_time(): "2026-11-28T12:46:01.123456Z".
void append_time(std::string& out, std::int64_t time_us);
// As Endpoint::to_string(): "127.0.0.1:5683", "[2001:db8::1]:5683".
void append_endpoint(std::string& out, const Endpoint& e);
// As code_text(): "0.01", "2.05".
void append_code(std::string& out, std::uint8_t code);

}  // namespace oidu
