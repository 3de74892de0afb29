// Writing pcapng and pcap: read back by our reader, checked by tshark (checksums, header
// fields), and byte-for-byte deterministic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "capture/writer.hpp"
#include "tshark_fields.hpp"

namespace oidu {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("oidu-writer-" + std::to_string(::getpid()) + "-" + name);
}

Bytes file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Endpoint v4(std::uint8_t last, std::uint16_t port) {
  Endpoint e;
  e.ip.version = 4;
  e.ip.bytes[0] = 10;
  e.ip.bytes[3] = last;
  e.port = port;
  return e;
}

Endpoint v6(std::uint8_t last, std::uint16_t port) {
  Endpoint e;
  e.ip.version = 6;
  e.ip.bytes[0] = 0x20;
  e.ip.bytes[1] = 0x01;
  e.ip.bytes[2] = 0x0d;
  e.ip.bytes[3] = 0xb8;
  e.ip.bytes[15] = last;
  e.port = port;
  return e;
}

// Payloads of odd and even length, an empty one, and one longer than a minimum frame.
const Bytes kOdd = {0x44, 0x02, 0x5d, 0x1f, 0x00, 0x00, 0x39, 0x74, 0x39};
const Bytes kEven = {0x64, 0x44, 0x5d, 0x1f, 0x00, 0x00, 0x39, 0x74, 0x90, 0xff};
const Bytes kEmpty;
const Bytes kLong(300, 0xa5);

std::vector<UdpPacket> packets() {
  const MacAddress a = {0x02, 0, 0, 0, 0, 0x01}, b = {0x02, 0, 0, 0, 0, 0x02};
  return {
      {1795869961123456, a, b, v4(1, 40000), v4(2, 5683), view(kOdd)},
      {1795869961223456, b, a, v4(2, 5683), v4(1, 40000), view(kEven)},
      {1795869961323456, a, b, v6(1, 40001), v6(2, 5683), view(kOdd)},
      {1795869961423456, b, a, v6(2, 5683), v6(1, 40001), view(kLong)},
      {1795869961523456, a, b, v4(1, 40002), v4(2, 5683), view(kEmpty)},
  };
}

fs::path write_file(const std::string& name, CaptureFormat format) {
  const fs::path path = temp_file(name);
  std::string error;
  auto writer = CaptureWriter::create(path.string(), format, &error);
  EXPECT_TRUE(writer) << error;
  if (!writer) return path;
  for (const auto& p : packets()) EXPECT_TRUE(writer->write(p));
  EXPECT_TRUE(writer->close());
  return path;
}

class CaptureWriterFormats : public ::testing::TestWithParam<CaptureFormat> {};

TEST_P(CaptureWriterFormats, ReadsBackThroughLibpcap) {
  const fs::path path = write_file("readback", GetParam());
  std::string error;
  auto reader = CaptureReader::open(path.string(), &error);
  ASSERT_TRUE(reader) << error;
  EXPECT_EQ(reader->link_type(), 1);
  const auto expected = packets();
  Frame f;
  std::size_t i = 0;
  while (reader->next(f)) {
    ASSERT_LT(i, expected.size());
    const UdpPacket& p = expected[i++];
    EXPECT_EQ(f.number, i);
    EXPECT_EQ(f.time_us, p.time_us);
    ASSERT_TRUE(f.is_udp) << f.problem;
    EXPECT_EQ(f.src, p.src);
    EXPECT_EQ(f.dst, p.dst);
    EXPECT_EQ(to_hex(f.udp_payload), to_hex(p.payload));
    EXPECT_EQ(*f.src_mac, p.src_mac);
    EXPECT_EQ(*f.dst_mac, p.dst_mac);
  }
  EXPECT_EQ(reader->error(), "");
  EXPECT_EQ(i, expected.size());
  fs::remove(path);
}

TEST_P(CaptureWriterFormats, Deterministic) {
  const fs::path first = write_file("first", GetParam());
  const fs::path second = write_file("second", GetParam());
  const Bytes a = file_bytes(first);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, file_bytes(second));
  fs::remove(first);
  fs::remove(second);
}

// tshark validates both checksums and reads the header fields we promise: TTL / hop limit
// 64, DF clear, IPv4 identification counting up from 0.
TEST_P(CaptureWriterFormats, TsharkAgrees) {
  if (!test::tshark_available()) GTEST_SKIP() << "tshark not installed";
  const fs::path path = write_file("tshark", GetParam());
  const auto rows = test::tshark_fields(
      path.string(),
      {"frame.number", "ip.checksum.status", "udp.checksum.status", "ip.ttl", "ipv6.hlim", "ip.flags.df", "ip.id",
       "udp.srcport", "udp.dstport", "udp.length", "udp.payload", "frame.time_epoch", "eth.src"},
      "-o udp.check_checksum:TRUE -o ip.check_checksum:TRUE");
  ASSERT_TRUE(rows);
  const auto expected = packets();
  ASSERT_EQ(rows->size(), expected.size());
  unsigned next_id = 0;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    const UdpPacket& p = expected[i];
    SCOPED_TRACE("frame " + r[0]);
    const bool is_v6 = p.src.ip.version == 6;
    // 1 is PROTO_CHECKSUM_E_GOOD (0 bad, 2 unverified) in Wireshark's proto.h.
    EXPECT_EQ(r[1], is_v6 ? "" : "1");
    EXPECT_EQ(r[2], "1");
    EXPECT_EQ(is_v6 ? r[4] : r[3], "64");
    if (!is_v6) {
      EXPECT_EQ(test::tshark_bool(r[5]), false);
      char id[16];
      std::snprintf(id, sizeof id, "0x%04x", next_id++);
      EXPECT_EQ(r[6], id);
    }
    EXPECT_EQ(r[7], std::to_string(p.src.port));
    EXPECT_EQ(r[8], std::to_string(p.dst.port));
    EXPECT_EQ(r[9], std::to_string(8 + p.payload.size()));
    EXPECT_EQ(r[10], to_hex(p.payload));
    char epoch[32];
    std::snprintf(epoch, sizeof epoch, "%lld.%06lld000", static_cast<long long>(p.time_us / 1000000),
                  static_cast<long long>(p.time_us % 1000000));
    EXPECT_EQ(r[11], epoch);
    EXPECT_EQ(r[12], mac_to_string(p.src_mac));
  }
  fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Both, CaptureWriterFormats, ::testing::Values(CaptureFormat::Pcapng, CaptureFormat::Pcap),
                         [](const auto& test_info) { return test_info.param == CaptureFormat::Pcapng ? "pcapng" : "pcap"; });

TEST(CaptureWriter, FileHeaders) {
  const fs::path ng = write_file("ng", CaptureFormat::Pcapng);
  const Bytes a = file_bytes(ng);
  ASSERT_GE(a.size(), 48u);
  // pcapng: Section Header Block type and little-endian byte-order magic, then an
  // Interface Description Block for link type 1 (Ethernet).
  EXPECT_EQ(to_hex(ByteView(a.data(), 4)), "0a0d0d0a");
  EXPECT_EQ(to_hex(ByteView(a.data() + 8, 4)), "4d3c2b1a");
  EXPECT_EQ(to_hex(ByteView(a.data() + 28, 4)), "01000000");
  EXPECT_EQ(to_hex(ByteView(a.data() + 36, 2)), "0100");
  fs::remove(ng);
  const fs::path classic = write_file("classic", CaptureFormat::Pcap);
  const Bytes b = file_bytes(classic);
  ASSERT_GE(b.size(), 24u);
  EXPECT_EQ(to_hex(ByteView(b.data(), 4)), "d4c3b2a1");  // 0xa1b2c3d4, little-endian, microseconds
  EXPECT_EQ(to_hex(ByteView(b.data() + 20, 4)), "01000000");
  fs::remove(classic);
}

TEST(CaptureWriter, RejectsWhatItCannotWrite) {
  const fs::path path = temp_file("reject");
  std::string error;
  auto writer = CaptureWriter::create(path.string(), CaptureFormat::Pcapng, &error);
  ASSERT_TRUE(writer) << error;
  UdpPacket mixed = packets()[0];
  mixed.dst = v6(2, 5683);
  EXPECT_FALSE(writer->write(mixed));
  const Bytes too_big(70000, 0);
  UdpPacket big = packets()[0];
  big.payload = view(too_big);
  EXPECT_FALSE(writer->write(big));
  EXPECT_TRUE(writer->close());
  EXPECT_FALSE(writer->write(packets()[0]));
  fs::remove(path);

  EXPECT_EQ(CaptureWriter::create("/nonexistent/dir/x.pcapng", CaptureFormat::Pcapng, &error), nullptr);
  EXPECT_EQ(error, "/nonexistent/dir/x.pcapng: No such file or directory");
}

}  // namespace
}  // namespace oidu
