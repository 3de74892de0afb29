#include "core/cbor.hpp"

#include <algorithm>

namespace oidu::cbor {

std::size_t head_size(std::uint64_t arg) {
  if (arg < 24) return 1;
  if (arg <= 0xff) return 2;
  if (arg <= 0xffff) return 3;
  if (arg <= 0xffffffffULL) return 5;
  return 9;
}

// RFC 8949 3: the initial byte and the shortest argument encoding.
std::uint8_t* write_head(std::uint8_t* out, std::uint8_t major, std::uint64_t arg) {
  const auto mt = static_cast<std::uint8_t>(major << 5);
  const std::size_t size = head_size(arg);
  if (size == 1) {
    *out = static_cast<std::uint8_t>(mt | arg);
    return out + 1;
  }
  const std::uint8_t info = size == 2 ? 24 : size == 3 ? 25 : size == 5 ? 26 : 27;
  *out++ = static_cast<std::uint8_t>(mt | info);
  for (std::size_t i = size - 1; i-- > 0;) *out++ = static_cast<std::uint8_t>(arg >> (8 * i));
  return out;
}

namespace {

// Negative values as major type 1, -1 - value, without overflow for INT64_MIN.
std::uint8_t int_major(std::int64_t value) { return value >= 0 ? 0 : 1; }
std::uint64_t int_arg(std::int64_t value) {
  return value >= 0 ? static_cast<std::uint64_t>(value) : ~static_cast<std::uint64_t>(value);
}

void put_head(Bytes& out, std::uint8_t major, std::uint64_t arg) {
  std::uint8_t head[kMaxHeadSize];
  out.insert(out.end(), head, write_head(head, major, arg));
}

}  // namespace

std::size_t int_size(std::int64_t value) { return head_size(int_arg(value)); }

std::uint8_t* write_int(std::uint8_t* out, std::int64_t value) { return write_head(out, int_major(value), int_arg(value)); }

std::size_t bstr_size(ByteView value) { return head_size(value.size()) + value.size(); }

std::uint8_t* write_bstr(std::uint8_t* out, ByteView value) {
  out = write_head(out, 2, value.size());
  return std::copy(value.begin(), value.end(), out);
}

void put_uint(Bytes& out, std::uint64_t value) { put_head(out, 0, value); }

void put_int(Bytes& out, std::int64_t value) { put_head(out, int_major(value), int_arg(value)); }

void put_bstr(Bytes& out, ByteView value) {
  put_head(out, 2, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

void put_tstr(Bytes& out, std::string_view value) {
  put_head(out, 3, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

void put_array_header(Bytes& out, std::uint64_t count) { put_head(out, 4, count); }

void put_null(Bytes& out) { out.push_back(0xf6); }

Bytes bstr(ByteView value) {
  Bytes out;
  out.reserve(value.size() + 9);
  put_bstr(out, value);
  return out;
}

std::optional<ByteView> read_bstr(ByteView in, std::size_t& consumed) {
  if (in.empty() || (in[0] >> 5) != 2) return std::nullopt;
  const std::uint8_t info = in[0] & 0x1f;
  std::uint64_t length = 0;
  std::size_t head = 1;
  if (info < 24) {
    length = info;
  } else if (info <= 27) {
    const std::size_t extra = std::size_t{1} << (info - 24);
    if (in.size() < 1 + extra) return std::nullopt;
    for (std::size_t i = 0; i < extra; ++i) length = (length << 8) | in[1 + i];
    head += extra;
  } else {
    return std::nullopt;  // reserved values and indefinite length
  }
  if (length > in.size() - head) return std::nullopt;
  consumed = head + static_cast<std::size_t>(length);
  return in.subspan(head, static_cast<std::size_t>(length));
}

}  // namespace oidu::cbor
