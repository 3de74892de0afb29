#include "core/cbor.hpp"

namespace oidu::cbor {

namespace {

// RFC 8949 3: the initial byte and the shortest argument encoding.
void put_head(Bytes& out, std::uint8_t major, std::uint64_t arg) {
  const auto mt = static_cast<std::uint8_t>(major << 5);
  if (arg < 24) {
    out.push_back(static_cast<std::uint8_t>(mt | arg));
    return;
  }
  int bytes;
  std::uint8_t info;
  if (arg <= 0xff) {
    bytes = 1, info = 24;
  } else if (arg <= 0xffff) {
    bytes = 2, info = 25;
  } else if (arg <= 0xffffffffULL) {
    bytes = 4, info = 26;
  } else {
    bytes = 8, info = 27;
  }
  out.push_back(static_cast<std::uint8_t>(mt | info));
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(arg >> (8 * i)));
}

}  // namespace

void put_uint(Bytes& out, std::uint64_t value) { put_head(out, 0, value); }

void put_int(Bytes& out, std::int64_t value) {
  if (value >= 0) {
    put_head(out, 0, static_cast<std::uint64_t>(value));
  } else {
    // -1 - value without overflow for INT64_MIN.
    put_head(out, 1, ~static_cast<std::uint64_t>(value));
  }
}

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
