// The whole engine on arbitrary traffic between one client and one server that share the
// keys of captures/third-party/libcoap-oscore. The input is a sequence of chunks
// [header][length: 2 bytes, big endian][UDP payload]: header bit 0 picks the direction
// (0 client -> server), bits 1-7 the seconds since the previous datagram, so that the
// procedure timers fire too.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "fuzz_check.hpp"

namespace oidu::fuzz {

inline const std::vector<KeyEntry>& fuzz_keys() {
  static const std::vector<KeyEntry> keys =
      load_key_file(std::string(OIDU_SOURCE_DIR) +
                    "/captures/third-party/libcoap-oscore.oscore_contexts")
          .entries;
  return keys;
}

// Checks what the engine promises about the order of its records.
class CheckingSink : public EventSink {
 public:
  std::uint64_t current_frame = 0;
  std::uint64_t last_message_frame = 0;

  void on_message(const MessageRecord& m) override {
    check(m.frame <= current_frame, "a message record for a frame not yet processed");
    check(m.frame >= last_message_frame, "message records out of frame order");
    last_message_frame = m.frame;
    (void)message_kind_name(m.kind);
    (void)decrypt_status_name(m.status);
  }
  void on_finding(const Finding& f) override {
    check(f.frame <= current_frame, "a finding about a frame not yet processed");
    check(!f.code.empty(), "a finding without a code");
  }
};

inline Endpoint endpoint(std::uint16_t port) {
  Endpoint e;
  e.ip.version = 4;
  e.ip.bytes[0] = 127;
  e.ip.bytes[3] = 1;
  e.port = port;
  return e;
}

// Records what the engine emits, to compare two runs over the same frames.
class TranscriptSink : public CheckingSink {
 public:
  std::string transcript;

  void on_message(const MessageRecord& m) override {
    CheckingSink::on_message(m);
    transcript += "message " + std::to_string(m.frame) + " " + decrypt_status_name(m.status) + " " +
                  m.context + " " + m.problem + "\n";
  }
  void on_finding(const Finding& f) override {
    CheckingSink::on_finding(f);
    transcript += "finding " + f.code + " " + std::to_string(f.frame) + " " + f.message + "\n";
  }
  void on_procedure(const ProcedureRecord& p) override {
    transcript += "procedure " + std::to_string(p.id) + " " + p.type + " " + p.outcome + "\n";
  }
  void on_context(const ContextRecord& c) override { transcript += "context " + c.name + "\n"; }
};

inline std::vector<Frame> frames_of(const std::uint8_t* data, std::size_t size) {
  const Endpoint client = endpoint(50000), server = endpoint(5683);
  std::int64_t time_us = 1'700'000'000'000'000;
  std::vector<Frame> frames;
  std::size_t pos = 0;
  while (pos + 3 <= size) {
    const std::uint8_t header = data[pos];
    const std::size_t length =
        std::min<std::size_t>(static_cast<std::size_t>(data[pos + 1] << 8 | data[pos + 2]),
                              size - pos - 3);
    pos += 3;
    Frame frame;
    frame.number = frames.size() + 1;
    time_us += static_cast<std::int64_t>(header >> 1) * 1'000'000;
    frame.time_us = time_us;
    frame.captured_length = length + 28;
    frame.is_udp = true;
    const bool to_server = (header & 1) == 0;
    frame.src = to_server ? client : server;
    frame.dst = to_server ? server : client;
    frame.udp_payload = ByteView(data + pos, length);
    pos += length;
    frames.push_back(frame);
  }
  return frames;
}

inline void analyzer_one(const std::uint8_t* data, std::size_t size) {
  if (fuzz_keys().empty()) fail("the libcoap-oscore keys did not load");
  AnalyzerConfig config;
  config.file = "fuzz";
  const std::vector<Frame> frames = frames_of(data, size);

  // One frame at a time, as the Wireshark plugin drives the engine.
  TranscriptSink single;
  Analyzer one(config, fuzz_keys(), single);
  for (const Frame& frame : frames) {
    single.current_frame = frame.number;
    one.process(frame);
  }
  one.finish();
  const Summary& s = one.summary();
  check(s.decrypted <= s.oscore_messages, "more messages decrypted than OSCORE messages seen");

  // In batches, as the CLI does: prefetching must not change a thing.
  TranscriptSink batched;
  batched.current_frame = frames.size();
  Analyzer batch(config, fuzz_keys(), batched);
  batch.process_batch(frames);
  batch.finish();
  check(batched.transcript == single.transcript, "process_batch and process disagree");
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::analyzer_one)
