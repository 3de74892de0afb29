// Rewriting captured frames: a UDP payload replaced in IPv4 and IPv6 frames decodes back
// with valid lengths and checksums, and the pcapng frame writer keeps link type, time,
// lengths and bytes as our reader reads them back.
#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include "capture/checksum.hpp"
#include "capture/pcapng_frame_writer.hpp"
#include "capture/udp_rewrite.hpp"
#include "capture/writer.hpp"

namespace oidu {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("oidu-rewrite-" + std::to_string(::getpid()) + "-" + name);
}

Endpoint endpoint(std::uint8_t version, std::uint8_t last, std::uint16_t port) {
  Endpoint e;
  e.ip.version = version;
  e.ip.bytes[0] = version == 4 ? 10 : 0x20;
  e.ip.bytes[version == 4 ? 3 : 15] = last;
  e.port = port;
  return e;
}

// The frames CaptureWriter makes around `payload`, read back whole by our reader.
std::vector<Bytes> written_frames(std::uint8_t version, const Bytes& payload) {
  const fs::path path = temp_file("in.pcapng");
  {
    auto writer = CaptureWriter::create(path.string(), CaptureFormat::Pcapng, nullptr);
    UdpPacket p;
    p.src = endpoint(version, 1, 40000);
    p.dst = endpoint(version, 2, 5683);
    p.payload = ByteView(payload.data(), payload.size());
    EXPECT_TRUE(writer->write(p));
    EXPECT_TRUE(writer->close());
  }
  auto reader = CaptureReader::open(path.string(), nullptr);
  std::vector<Bytes> frames;
  Frame f;
  while (reader->next(f)) frames.emplace_back(f.data.begin(), f.data.end());
  fs::remove(path);
  return frames;
}

// The ones' complement sum over the pseudo header and the datagram, checksum included,
// is 0xffff (finishes as 0) when the checksum is right.
bool udp_checksum_valid(const Frame& f) {
  const bool v6 = f.src.ip.version == 6;
  const std::size_t address_length = v6 ? 16 : 4;
  const std::uint8_t* addresses = f.data.data() + f.ip_offset + (v6 ? 8 : 12);
  const std::size_t udp_length = 8 + f.udp_payload.size();
  std::uint32_t sum = add_to_checksum(0, addresses, 2 * address_length);
  sum += 17 + static_cast<std::uint32_t>(udp_length);
  sum = add_to_checksum(sum, f.data.data() + f.udp_offset, udp_length);
  return finish_checksum(sum) == 0;
}

class UdpRewrite : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(UdpRewrite, NewPayloadDecodesWithValidLengthsAndChecksums) {
  const Bytes original = {0x42, 0x02, 0x12, 0x34, 0xaa, 0xbb, 0x92, 0x09, 0x01, 0xff, 1, 2, 3, 4, 5, 6, 7};
  const auto frames = written_frames(GetParam(), original);
  ASSERT_EQ(frames.size(), 1u);
  Frame decoded;
  decode_link_frame(1, ByteView(frames[0].data(), frames[0].size()), decoded);
  ASSERT_TRUE(decoded.is_udp);
  // Shorter, odd-length, longer than the original, and empty.
  for (const Bytes& replacement : {Bytes{0x42, 0x01, 0x12, 0x34}, Bytes{1, 2, 3}, Bytes(300, 0x5a), Bytes{}}) {
    Bytes out;
    std::string error;
    ASSERT_TRUE(replace_udp_payload(decoded, ByteView(replacement.data(), replacement.size()), out, &error)) << error;
    Frame again;
    decode_link_frame(1, ByteView(out.data(), out.size()), again);
    ASSERT_TRUE(again.is_udp) << again.problem;
    EXPECT_EQ(Bytes(again.udp_payload.begin(), again.udp_payload.end()), replacement);
    EXPECT_EQ(again.src, decoded.src);
    EXPECT_EQ(again.dst, decoded.dst);
    EXPECT_TRUE(udp_checksum_valid(again));
    if (GetParam() == 4) {
      EXPECT_EQ(finish_checksum(add_to_checksum(0, out.data() + again.ip_offset, 20)), 0) << "IPv4 header checksum";
    }
    EXPECT_EQ(out.size(), frames[0].size() - original.size() + replacement.size());
  }
}

INSTANTIATE_TEST_SUITE_P(IpVersions, UdpRewrite, ::testing::Values(4, 6));

TEST(UdpRewrite, Ipv4WithoutChecksumStaysWithout) {
  auto frames = written_frames(4, Bytes{0x40, 0x01, 0, 1});
  Frame decoded;
  decode_link_frame(1, ByteView(frames[0].data(), frames[0].size()), decoded);
  frames[0][decoded.udp_offset + 6] = frames[0][decoded.udp_offset + 7] = 0;  // "no checksum"
  decode_link_frame(1, ByteView(frames[0].data(), frames[0].size()), decoded);
  const Bytes replacement = {0x40, 0x02, 0, 1, 0xff, 9};
  Bytes out;
  ASSERT_TRUE(replace_udp_payload(decoded, ByteView(replacement.data(), replacement.size()), out, nullptr));
  EXPECT_EQ(out[decoded.udp_offset + 6], 0);
  EXPECT_EQ(out[decoded.udp_offset + 7], 0);
}

TEST(UdpRewrite, RefusesWhatIsNotUdpOrTooLong) {
  Frame not_udp;
  Bytes out;
  std::string error;
  EXPECT_FALSE(replace_udp_payload(not_udp, {}, out, &error));
  EXPECT_FALSE(error.empty());
  const auto frames = written_frames(6, Bytes{0x40, 0x01, 0, 1});
  Frame decoded;
  decode_link_frame(1, ByteView(frames[0].data(), frames[0].size()), decoded);
  const Bytes huge(70000, 0);
  EXPECT_FALSE(replace_udp_payload(decoded, ByteView(huge.data(), huge.size()), out, &error));
}

TEST(PcapngFrameWriter, ReaderGetsLinkTypeTimeLengthsAndBytesBack) {
  const fs::path path = temp_file("out.pcapng");
  // A raw IPv4 UDP packet (DLT_RAW, 12 on Linux: written as LINKTYPE_RAW).
  auto frames = written_frames(4, Bytes{0x40, 0x01, 0, 1});
  const Bytes raw(frames[0].begin() + 14, frames[0].end());
  const std::int64_t time_ns = 1'700'000'000'123'456'789;
  {
    std::string error;
    auto writer = PcapngFrameWriter::create(path.string(), &error);
    ASSERT_TRUE(writer) << error;
    const std::uint32_t interface = writer->add_interface(12);
    writer->write(interface, time_ns, raw.size(), ByteView(raw.data(), raw.size()), "oscore-idu: a comment");
    writer->write(interface, time_ns + 1, raw.size() + 100, ByteView(raw.data(), raw.size()));
    ASSERT_TRUE(writer->close(&error)) << error;
  }
  auto reader = CaptureReader::open(path.string(), nullptr);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->link_type(), 12);  // libpcap gives LINKTYPE_RAW back as DLT_RAW
  Frame f;
  ASSERT_TRUE(reader->next(f));
  EXPECT_EQ(f.time_ns, time_ns);
  EXPECT_EQ(f.time_us, time_ns / 1000);
  EXPECT_EQ(Bytes(f.data.begin(), f.data.end()), raw);
  EXPECT_TRUE(f.is_udp);
  ASSERT_TRUE(reader->next(f));
  EXPECT_EQ(f.original_length, raw.size() + 100);
  EXPECT_FALSE(reader->next(f));
  EXPECT_TRUE(reader->error().empty());
  fs::remove(path);
}

TEST(PcapngFrameWriter, UnwritablePathIsAnError) {
  std::string error;
  EXPECT_FALSE(PcapngFrameWriter::create("/nonexistent-dir/x.pcapng", &error));
  EXPECT_NE(error.find("/nonexistent-dir/x.pcapng"), std::string::npos);
}

}  // namespace
}  // namespace oidu
