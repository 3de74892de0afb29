// Reading captures down to UDP: the third-party captures compared frame by frame with
// tshark, and synthetic frames of every supported link type (written to pcap files here
// and, where tshark is installed, dissected by it too), truncated at every byte.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "capture/capture.hpp"
#include "tshark_fields.hpp"

namespace oidu {
namespace {

namespace fs = std::filesystem;

// ---- building frames (independently of capture/writer.cpp) ----

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<unsigned>(8 + payload.size()));
  put16(b, 0);  // no checksum (allowed over IPv4; the reader does not check it)
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes ipv4(const Bytes& body, std::uint8_t protocol = 17, unsigned flags_offset = 0) {
  Bytes b = {0x45, 0x00};
  put16(b, static_cast<unsigned>(20 + body.size()));
  put16(b, 0x1234);
  put16(b, flags_offset);
  b.push_back(64);
  b.push_back(protocol);
  put16(b, 0);
  b.insert(b.end(), {192, 0, 2, 1, 198, 51, 100, 7});
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

// 2001:db8::1 -> 2001:db8::2, with the given next header and extension headers in front.
Bytes ipv6(const Bytes& body, std::uint8_t next_header = 17) {
  Bytes b = {0x60, 0, 0, 0};
  put16(b, static_cast<unsigned>(body.size()));
  b.push_back(next_header);
  b.push_back(64);
  const Bytes src = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  Bytes dst = src;
  dst[15] = 2;
  b.insert(b.end(), src.begin(), src.end());
  b.insert(b.end(), dst.begin(), dst.end());
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

const MacAddress kDst = {0x02, 0, 0, 0, 0, 0x02};
const MacAddress kSrc = {0x02, 0, 0, 0, 0, 0x01};

Bytes ethernet(const Bytes& body, std::uint16_t type, const std::vector<std::uint16_t>& tags = {}) {
  Bytes b(kDst.begin(), kDst.end());
  b.insert(b.end(), kSrc.begin(), kSrc.end());
  for (std::uint16_t tpid : tags) {
    put16(b, tpid);
    put16(b, 100);  // VLAN id 100
  }
  put16(b, type);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes sll(const Bytes& body, std::uint16_t protocol) {
  Bytes b;
  put16(b, 0);  // packet to us
  put16(b, 1);  // ARPHRD_ETHER
  put16(b, 6);
  b.insert(b.end(), kSrc.begin(), kSrc.end());
  b.insert(b.end(), {0, 0});
  put16(b, protocol);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes sll2(const Bytes& body, std::uint16_t protocol) {
  Bytes b;
  put16(b, protocol);
  put16(b, 0);
  b.insert(b.end(), {0, 0, 0, 1});  // interface index 1
  put16(b, 1);                      // ARPHRD_ETHER
  b.push_back(0);                   // packet to us
  b.push_back(6);
  b.insert(b.end(), kSrc.begin(), kSrc.end());
  b.insert(b.end(), {0, 0});
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes null_link(const Bytes& body, std::uint32_t af, bool big_endian) {
  Bytes b;
  for (int i = 0; i < 4; ++i) {
    const int shift = big_endian ? 24 - 8 * i : 8 * i;
    b.push_back(static_cast<std::uint8_t>(af >> shift));
  }
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

const Bytes kPayload = {0x44, 0x01, 0x5d, 0x1f, 0x00, 0x00, 0x39, 0x74};

// A classic little-endian pcap file of the given link type, written here by hand.
fs::path write_pcap(const std::string& name, std::uint32_t link_type, const std::vector<Bytes>& frames,
                    std::uint32_t magic = 0xa1b2c3d4, std::uint32_t fraction = 123456) {
  const fs::path path = fs::temp_directory_path() / ("oidu-capture-" + std::to_string(::getpid()) + "-" + name);
  Bytes b;
  const auto le32 = [&](std::uint32_t v) {
    for (int s = 0; s < 32; s += 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  };
  le32(magic);
  b.insert(b.end(), {2, 0, 4, 0});
  le32(0);
  le32(0);
  le32(65535);
  le32(link_type);
  std::uint32_t seconds = 1795869968;
  for (const auto& f : frames) {
    le32(seconds++);
    le32(fraction);
    le32(static_cast<std::uint32_t>(f.size()));
    le32(static_cast<std::uint32_t>(f.size()));
    b.insert(b.end(), f.begin(), f.end());
  }
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  return path;
}

// Frames with their UDP payloads copied, as views die with the next read.
struct ReadFrame {
  Frame frame;
  Bytes payload;
};

std::vector<ReadFrame> read_all(const fs::path& path, int* link_type = nullptr) {
  std::string error;
  auto reader = CaptureReader::open(path.string(), &error);
  EXPECT_TRUE(reader) << error;
  std::vector<ReadFrame> frames;
  if (!reader) return frames;
  if (link_type) *link_type = reader->link_type();
  Frame f;
  while (reader->next(f)) frames.push_back({f, Bytes(f.udp_payload.begin(), f.udp_payload.end())});
  EXPECT_EQ(reader->error(), "");
  for (auto& r : frames) r.frame.udp_payload = view(r.payload);
  return frames;
}

Frame decode(int link_type, const Bytes& data) {
  Frame f;
  decode_link_frame(link_type, view(data), f);
  return f;
}

void expect_udp_v4(const Frame& f) {
  ASSERT_TRUE(f.is_udp) << f.problem;
  EXPECT_EQ(f.problem, "");
  EXPECT_EQ(f.src.to_string(), "192.0.2.1:5683");
  EXPECT_EQ(f.dst.to_string(), "198.51.100.7:40000");
  EXPECT_EQ(to_hex(f.udp_payload), to_hex(view(kPayload)));
}

void expect_udp_v6(const Frame& f) {
  ASSERT_TRUE(f.is_udp) << f.problem;
  EXPECT_EQ(f.src.to_string(), "[2001:db8::1]:5683");
  EXPECT_EQ(f.dst.to_string(), "[2001:db8::2]:40000");
  EXPECT_EQ(to_hex(f.udp_payload), to_hex(view(kPayload)));
}

// Every proper prefix of a UDP frame is unusable, says why, and does not crash.
void expect_truncations_reported(int link_type, const Bytes& frame) {
  for (std::size_t n = 0; n < frame.size(); ++n) {
    Frame f;
    decode_link_frame(link_type, ByteView(frame.data(), n), f);
    EXPECT_FALSE(f.is_udp) << "link " << link_type << " cut at " << n;
    EXPECT_NE(f.problem, "") << "link " << link_type << " cut at " << n;
  }
}

// ---- third-party captures ----

struct ThirdParty {
  const char* name;
  std::size_t frames;  // as capinfos 4.0.17 counts them
};
constexpr ThirdParty kThirdParty[] = {{"libcoap-oscore.pcap", 18},
                                      {"libcoap-oscore-recipient-id-options.pcap", 14},
                                      {"californium-kudos.pcap", 8},
                                      {"libcoap-oscore-appendix-b2.pcap", 32}};

TEST(CaptureReader, ThirdPartyFrameCounts) {
  for (const auto& c : kThirdParty) {
    int link_type = -1;
    const auto frames = read_all(test::third_party_capture(c.name), &link_type);
    EXPECT_EQ(frames.size(), c.frames) << c.name;
    EXPECT_EQ(link_type, 1) << c.name;  // Ethernet
    for (std::size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(frames[i].frame.number, i + 1);
  }
}

// Values tshark 4.0.17 printed for frame 1 of libcoap-oscore.pcap
// (frame.time_epoch 1795869968.779140, 127.0.0.1:43936 -> 127.0.0.1:5683, udp.length 34,
// frame.cap_len 68, eth.src/dst 00:00:00:00:00:00); the ISO time is GNU date's.
TEST(CaptureReader, LibcoapFrameOne) {
  std::string error;
  auto reader = CaptureReader::open(test::third_party_capture("libcoap-oscore.pcap"), &error);
  ASSERT_TRUE(reader) << error;
  Frame f;
  ASSERT_TRUE(reader->next(f));
  EXPECT_EQ(f.number, 1u);
  EXPECT_EQ(f.time_us, 1795869968779140);
  EXPECT_EQ(format_time(f.time_us), "2026-11-28T12:46:08.779140Z");
  EXPECT_EQ(f.captured_length, 68u);
  ASSERT_TRUE(f.is_udp) << f.problem;
  EXPECT_EQ(f.src.to_string(), "127.0.0.1:43936");
  EXPECT_EQ(f.dst.to_string(), "127.0.0.1:5683");
  EXPECT_EQ(f.udp_payload.size(), 34u - 8u);
  ASSERT_TRUE(f.src_mac);
  EXPECT_EQ(mac_to_string(*f.src_mac), "00:00:00:00:00:00");
}

// Every frame compared with tshark.
TEST(CaptureReader, ThirdPartyCapturesMatchTshark) {
  if (!test::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<std::string> paths;
  for (const auto& c : kThirdParty) paths.push_back(test::third_party_capture(c.name));
  const auto rows = test::tshark_fields_of(paths, {"frame.time_epoch", "eth.src", "eth.dst", "ip.src", "udp.srcport",
                                                   "ip.dst", "udp.dstport", "udp.payload"});
  ASSERT_TRUE(rows);
  std::size_t i = 0;
  for (const auto& c : kThirdParty) {
    SCOPED_TRACE(c.name);
    std::string error;
    auto reader = CaptureReader::open(test::third_party_capture(c.name), &error);
    ASSERT_TRUE(reader) << error;
    Frame f;
    while (reader->next(f)) {
      SCOPED_TRACE("frame " + std::to_string(f.number));
      ASSERT_LT(i, rows->size());
      const auto& r = (*rows)[i++];
      // frame.time_epoch has nanosecond digits; the captures have microseconds.
      const auto dot = r[0].find('.');
      EXPECT_EQ(std::to_string(f.time_us), r[0].substr(0, dot) + r[0].substr(dot + 1, 6));
      EXPECT_EQ(mac_to_string(*f.src_mac), r[1]);
      EXPECT_EQ(mac_to_string(*f.dst_mac), r[2]);
      ASSERT_TRUE(f.is_udp) << f.problem;
      EXPECT_EQ(f.src.ip.to_string(), r[3]);
      EXPECT_EQ(std::to_string(f.src.port), r[4]);
      EXPECT_EQ(f.dst.ip.to_string(), r[5]);
      EXPECT_EQ(std::to_string(f.dst.port), r[6]);
      EXPECT_EQ(to_hex(f.udp_payload), r[7]);
    }
  }
  EXPECT_EQ(i, rows->size());
}

// ---- link types ----

struct LinkCase {
  const char* name;
  std::uint32_t link_type;
  Bytes frame;
  bool v6;
};

// Hop-by-hop (8 bytes) -> destination options (16 bytes) -> routing (8 bytes) -> UDP.
Bytes ipv6_with_extension_headers() {
  Bytes ext = {60, 0, 1, 4, 0, 0, 0, 0};
  ext.insert(ext.end(), {43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  ext.insert(ext.end(), {17, 0, 0, 0, 0, 0, 0, 0});
  const Bytes u = udp(5683, 40000, kPayload);
  ext.insert(ext.end(), u.begin(), u.end());
  return ipv6(ext, 0);
}

std::vector<LinkCase> link_cases() {
  const Bytes v4 = ipv4(udp(5683, 40000, kPayload));
  const Bytes v6 = ipv6(udp(5683, 40000, kPayload));
  return {
      {"ethernet-v6-extension-headers", 1, ethernet(ipv6_with_extension_headers(), 0x86dd), true},
      {"ethernet-v4", 1, ethernet(v4, 0x0800), false},
      {"ethernet-v6", 1, ethernet(v6, 0x86dd), true},
      {"vlan", 1, ethernet(v4, 0x0800, {0x8100}), false},
      {"qinq", 1, ethernet(v6, 0x86dd, {0x88a8, 0x8100}), true},
      {"sll-v4", 113, sll(v4, 0x0800), false},
      {"sll-v6", 113, sll(v6, 0x86dd), true},
      {"sll2-v4", 276, sll2(v4, 0x0800), false},
      {"sll2-v6", 276, sll2(v6, 0x86dd), true},
      {"raw-v4", 101, v4, false},
      {"raw-v6", 101, v6, true},
      {"ipv4", 228, v4, false},
      {"ipv6", 229, v6, true},
      {"null-le-v4", 0, null_link(v4, 2, false), false},
      {"null-be-v6-linux", 0, null_link(v6, 10, true), true},
      {"null-le-v6-macos", 0, null_link(v6, 30, false), true},
      {"loop-v4", 108, null_link(v4, 2, true), false},
      {"loop-v6-freebsd", 108, null_link(v6, 28, true), true},
      {"loop-v6-openbsd", 108, null_link(v6, 24, true), true},
  };
}

TEST(CaptureReader, EveryLinkTypeThroughLibpcap) {
  std::vector<fs::path> files;
  std::vector<ReadFrame> decoded;
  const auto cases = link_cases();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    files.push_back(write_pcap(std::string(c.name) + ".pcap", c.link_type, {c.frame}));
    auto frames = read_all(files.back());
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].frame.time_us, 1795869968123456);
    if (c.v6) {
      expect_udp_v6(frames[0].frame);
    } else {
      expect_udp_v4(frames[0].frame);
    }
    if (c.link_type == 1 || c.link_type == 113 || c.link_type == 276) {
      ASSERT_TRUE(frames[0].frame.src_mac);
      EXPECT_EQ(mac_to_string(*frames[0].frame.src_mac), "02:00:00:00:00:01");
    }
    decoded.push_back(std::move(frames[0]));
  }
  // tshark's own dissection of the same frames agrees on addresses, ports and payload.
  if (test::tshark_available()) {
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(f.string());
    const auto rows = test::tshark_fields_of(
        paths, {"ip.src", "ipv6.src", "udp.srcport", "ip.dst", "ipv6.dst", "udp.dstport", "udp.payload"});
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE(cases[i].name);
      // Wireshark's NULL/LOOP dissector knows only the BSD values of AF_INET6, not Linux's 10.
      if (std::string(cases[i].name) == "null-be-v6-linux") continue;
      const auto& r = (*rows)[i];
      const Frame& f = decoded[i].frame;
      EXPECT_EQ(f.src.ip.to_string(), cases[i].v6 ? r[1] : r[0]);
      EXPECT_EQ(std::to_string(f.src.port), r[2]);
      EXPECT_EQ(f.dst.ip.to_string(), cases[i].v6 ? r[4] : r[3]);
      EXPECT_EQ(std::to_string(f.dst.port), r[5]);
      EXPECT_EQ(to_hex(f.udp_payload), r[6]);
    }
  }
  for (const auto& f : files) fs::remove(f);
}

TEST(CaptureReader, EveryTruncationIsReported) {
  for (const auto& c : link_cases()) {
    SCOPED_TRACE(c.name);
    expect_truncations_reported(static_cast<int>(c.link_type), c.frame);
  }
}

TEST(CaptureReader, Fragments) {
  const Bytes u = udp(5683, 40000, kPayload);
  // IPv4: more fragments set, then a later fragment.
  EXPECT_EQ(decode(228, ipv4(u, 17, 0x2000)).problem, "IP fragment (not reassembled)");
  EXPECT_EQ(decode(228, ipv4(u, 17, 0x0010)).problem, "IP fragment (not reassembled)");
  // DF alone is not a fragment.
  EXPECT_TRUE(decode(228, ipv4(u, 17, 0x4000)).is_udp);
  // IPv6 fragment header with M set, and an atomic fragment (offset 0, M clear, RFC 6946).
  Bytes frag = {17, 0, 0x00, 0x01, 0, 0, 0, 42};
  frag.insert(frag.end(), u.begin(), u.end());
  EXPECT_EQ(decode(229, ipv6(frag, 44)).problem, "IP fragment (not reassembled)");
  frag[3] = 0x00;
  expect_udp_v6(decode(229, ipv6(frag, 44)));
}

TEST(CaptureReader, EthernetPaddingIsNotPayload) {
  Bytes frame = ethernet(ipv4(udp(5683, 40000, kPayload)), 0x0800);
  ASSERT_LT(frame.size(), 60u);
  frame.resize(60, 0);  // minimum Ethernet frame
  expect_udp_v4(decode(1, frame));
}

TEST(CaptureReader, NonUdpFramesHaveNoProblem) {
  const Bytes tcp(20, 0);
  Frame f = decode(1, ethernet(ipv4(tcp, 6), 0x0800));
  EXPECT_FALSE(f.is_udp);
  EXPECT_EQ(f.problem, "");
  f = decode(1, ethernet(ipv6(tcp, 6), 0x86dd));
  EXPECT_FALSE(f.is_udp);
  EXPECT_EQ(f.problem, "");
  f = decode(1, ethernet(Bytes(28, 0), 0x0806));  // ARP
  EXPECT_FALSE(f.is_udp);
  EXPECT_EQ(f.problem, "");
  f = decode(0, null_link(ipv4(udp(1, 2, kPayload)), 7, true));  // some other address family
  EXPECT_FALSE(f.is_udp);
  EXPECT_EQ(f.problem, "");
}

TEST(CaptureReader, BadLengthsAreProblems) {
  Bytes v4 = ipv4(udp(5683, 40000, kPayload));
  v4[0] = 0x44;  // header length 16
  EXPECT_NE(decode(228, v4).problem.find("header length 16"), std::string::npos);
  v4 = ipv4(udp(5683, 40000, kPayload));
  v4[3] = 10;  // total length below the header
  EXPECT_NE(decode(228, v4).problem.find("total length 10"), std::string::npos);
  Bytes u = udp(5683, 40000, kPayload);
  u[5] = 4;  // UDP length below 8
  EXPECT_NE(decode(228, ipv4(u)).problem.find("UDP length 4"), std::string::npos);
  u[5] = 200;  // UDP length past the IP packet
  EXPECT_NE(decode(228, ipv4(u)).problem.find("truncated UDP datagram"), std::string::npos);
}

TEST(CaptureReader, NanosecondFilesGiveMicroseconds) {
  const fs::path path =
      write_pcap("ns.pcap", 1, {ethernet(ipv4(udp(5683, 40000, kPayload)), 0x0800)}, 0xa1b23c4d, 123456789);
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].frame.time_us, 1795869968123456);
  fs::remove(path);
}

TEST(CaptureReader, OpenErrorsNameTheFile) {
  const fs::path garbage = fs::temp_directory_path() / ("oidu-capture-" + std::to_string(::getpid()) + "-garbage");
  std::ofstream(garbage) << "this is not a capture file, just some text\n";
  std::string error;
  EXPECT_EQ(CaptureReader::open(garbage.string(), &error), nullptr);
  EXPECT_EQ(error.rfind(garbage.string() + ": not a pcap or pcapng file", 0), 0u) << error;
  fs::remove(garbage);

  const std::string missing = "/nonexistent/dir/file.pcap";
  EXPECT_EQ(CaptureReader::open(missing, &error), nullptr);
  EXPECT_EQ(error, missing + ": No such file or directory");

  const fs::path user0 = write_pcap("user0.pcap", 147, {Bytes{1, 2, 3}});
  EXPECT_EQ(CaptureReader::open(user0.string(), &error), nullptr);
  EXPECT_EQ(error, user0.string() + ": unsupported link type 147 (USER0)");
  fs::remove(user0);
}

TEST(CaptureReader, TruncatedFileEndsWithError) {
  const fs::path path = write_pcap("cut.pcap", 1, {ethernet(ipv4(udp(5683, 40000, kPayload)), 0x0800)});
  fs::resize_file(path, fs::file_size(path) - 5);
  std::string error;
  auto reader = CaptureReader::open(path.string(), &error);
  ASSERT_TRUE(reader) << error;
  Frame f;
  EXPECT_FALSE(reader->next(f));
  EXPECT_EQ(reader->error().rfind(path.string() + ": ", 0), 0u) << reader->error();
  fs::remove(path);
}

TEST(CaptureReader, AddressTexts) {
  IpAddress v6;
  v6.version = 6;
  v6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(v6.to_string(), "2001:db8::1");
  v6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};  // RFC 5952 4.2.3: longest run
  EXPECT_EQ(v6.to_string(), "2001:db8:0:1::1");
  EXPECT_EQ((Endpoint{v6, 5683}).to_string(), "[2001:db8:0:1::1]:5683");
  IpAddress v4;
  v4.bytes[0] = 127;
  v4.bytes[3] = 1;
  EXPECT_EQ((Endpoint{v4, 5683}).to_string(), "127.0.0.1:5683");
  EXPECT_EQ(mac_to_string({0x02, 0xab, 0, 0, 0, 0x01}), "02:ab:00:00:00:01");
}

TEST(CaptureReader, FormatTime) {
  // Expected strings from GNU date -u.
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_time(1795869961123456), "2026-11-28T12:46:01.123456Z");
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace oidu
