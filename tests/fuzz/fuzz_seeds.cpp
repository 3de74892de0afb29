// Seed corpora from capture files: writes, under OUT_DIR,
//   fuzz_coap/           each UDP payload
//   fuzz_oscore_option/  each OSCORE option value
//   fuzz_link/           each frame, prefixed by its link type's index in kLinkTypes
//   fuzz_analyzer/       each capture as one chunk stream (see fuzz_frames.hpp)
//   fuzz_report/         the same streams
// Usage: fuzz_seeds OUT_DIR CAPTURE...
#include <pcap/pcap.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "capture/capture.hpp"
#include "link_types.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace fs = std::filesystem;
using namespace oidu;

namespace {

void write_file(const fs::path& path, ByteView bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Returns false if the capture could not be read.
bool extract(const fs::path& out, const std::string& capture) {
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t* pcap = pcap_open_offline(capture.c_str(), errbuf);
  if (pcap == nullptr) {
    std::cerr << capture << ": " << errbuf << "\n";
    return false;
  }
  const int link_type = pcap_datalink(pcap);
  const auto index = std::find(fuzz::kLinkTypes.begin(), fuzz::kLinkTypes.end(), link_type) -
                     fuzz::kLinkTypes.begin();
  const std::string stem = fs::path(capture).stem().string();
  Bytes stream;
  pcap_pkthdr* header = nullptr;
  const std::uint8_t* data = nullptr;
  for (unsigned n = 1; pcap_next_ex(pcap, &header, &data) == 1; ++n) {
    const std::string name = stem + "-" + std::to_string(n);
    const ByteView raw(data, header->caplen);
    if (static_cast<std::size_t>(index) < fuzz::kLinkTypes.size()) {
      Bytes linked{static_cast<std::uint8_t>(index)};
      linked.insert(linked.end(), raw.begin(), raw.end());
      write_file(out / "fuzz_link" / name, view(linked));
    }
    Frame frame;
    decode_link_frame(link_type, raw, frame);
    if (!frame.is_udp) continue;
    write_file(out / "fuzz_coap" / name, frame.udp_payload);
    const bool to_server = frame.dst.port == 5683;
    const auto size = frame.udp_payload.size();
    stream.push_back(to_server ? 0 : 1);
    stream.push_back(static_cast<std::uint8_t>(size >> 8));
    stream.push_back(static_cast<std::uint8_t>(size & 0xff));
    stream.insert(stream.end(), frame.udp_payload.begin(), frame.udp_payload.end());
    if (const auto m = parse_coap(frame.udp_payload, nullptr)) {
      if (const CoapOption* o = m->body.find(kOptOscore)) {
        write_file(out / "fuzz_oscore_option" / name, o->value);
      }
    }
  }
  pcap_close(pcap);
  if (!stream.empty()) {
    write_file(out / "fuzz_analyzer" / stem, view(stream));
    write_file(out / "fuzz_report" / stem, view(stream));  // the same input format
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fuzz_seeds OUT_DIR CAPTURE...\n";
    return 2;
  }
  bool ok = true;
  for (int i = 2; i < argc; ++i) ok = extract(argv[1], argv[i]) && ok;
  return ok ? 0 : 1;
}
