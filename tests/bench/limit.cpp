// The physical limit of capture analysis on this machine: how fast libpcap alone reads the
// file down to UDP payloads, how fast OpenSSL opens AES-CCM-16-64-128 messages of the same
// sizes, and both in one pass. The analyzer cannot beat this; the benchmark compares it with it.
//
// Usage: bench_limit CAPTURE [REPEAT]
// Prints `key value` lines (times are the best of REPEAT runs, in seconds).
#include <pcap/pcap.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture.hpp"
#include "core/crypto.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using Pcap = std::unique_ptr<pcap_t, PcapCloser>;

Pcap open_pcap(const char* path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  Pcap p(pcap_open_offline(path, err));
  if (!p) std::fprintf(stderr, "bench_limit: %s\n", err);
  return p;
}

// Length of the OSCORE ciphertext (with tag) in a CoAP datagram: what follows the payload
// marker. nullopt for messages without payload (empty ACKs, malformed datagrams).
std::optional<std::size_t> ciphertext_length(oidu::ByteView d) {
  if (d.size() < 4 || (d[0] >> 6) != 1) return std::nullopt;
  std::size_t i = 4 + (d[0] & 0x0f);
  while (i < d.size()) {
    const std::uint8_t b = d[i++];
    if (b == 0xff) return d.size() - i;
    std::size_t delta = b >> 4, len = b & 0x0f;
    if (delta == 15 || len == 15) return std::nullopt;
    i += delta == 13 ? 1 : delta == 14 ? 2 : 0;
    if (len == 13) {
      if (i >= d.size()) return std::nullopt;
      len = 13u + d[i];
      i += 1;
    } else if (len == 14) {
      if (i + 1 >= d.size()) return std::nullopt;
      len = 269u + (static_cast<std::size_t>(d[i]) << 8 | d[i + 1]);
      i += 2;
    }
    i += len;
  }
  return std::nullopt;
}

// One valid ciphertext per size, sealed once, so that every timed open verifies its tag
// exactly as a successful OSCORE decryption does.
class Ciphertexts {
 public:
  explicit Ciphertexts(oidu::AeadKey& key) : key_(key) {}
  const oidu::Bytes& of_length(std::size_t n) {
    auto it = by_length_.find(n);
    if (it != by_length_.end()) return it->second;
    oidu::Bytes plain(n - key_.alg().tag_len, 0x5a), sealed;
    key_.seal(nonce(), aad(), oidu::view(plain), sealed);
    return by_length_.emplace(n, std::move(sealed)).first->second;
  }
  std::size_t distinct() const { return by_length_.size(); }
  // The nonce of an OSCORE message and an AAD of the size of its Enc_structure with a
  // two-byte kid and a one-byte Partial IV.
  static oidu::ByteView nonce() {
    static const oidu::Bytes n(13, 0x21);
    return oidu::view(n);
  }
  static oidu::ByteView aad() {
    static const oidu::Bytes a(22, 0x83);
    return oidu::view(a);
  }

 private:
  oidu::AeadKey& key_;
  std::map<std::size_t, oidu::Bytes> by_length_;
};

struct Pass {
  std::uint64_t frames = 0, udp = 0, opened = 0, failed = 0;
  double seconds = 0;
};

// Read pass; with `key` and `cts` it also opens one ciphertext per OSCORE message, and
// `lengths` (when given) receives every ciphertext length in file order.
bool read_pass(const char* path, oidu::AeadKey* key, Ciphertexts* cts, std::vector<std::uint32_t>* lengths,
               Pass& out) {
  Pcap p = open_pcap(path);
  if (!p) return false;
  const int link = pcap_datalink(p.get());
  oidu::Frame frame;
  oidu::Bytes plain;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const auto start = Clock::now();
  int rc = 0;
  while ((rc = pcap_next_ex(p.get(), &hdr, &data)) == 1) {
    ++out.frames;
    oidu::decode_link_frame(link, oidu::ByteView(data, hdr->caplen), frame);
    if (!frame.is_udp) continue;
    ++out.udp;
    if (key == nullptr || cts == nullptr) continue;
    const auto n = ciphertext_length(frame.udp_payload);
    if (!n || *n < key->alg().tag_len) continue;
    if (lengths != nullptr) lengths->push_back(static_cast<std::uint32_t>(*n));
    const oidu::Bytes& ct = cts->of_length(*n);
    (key->open(Ciphertexts::nonce(), Ciphertexts::aad(), oidu::view(ct), plain) ? out.opened : out.failed)++;
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (rc != PCAP_ERROR_BREAK) {
    std::fprintf(stderr, "bench_limit: %s: %s\n", path, pcap_geterr(p.get()));
    return false;
  }
  return true;
}

void crypto_pass(oidu::AeadKey& key, Ciphertexts& cts, const std::vector<std::uint32_t>& lengths, Pass& out) {
  // Resolved before the clock starts: the crypto-only figure is OpenSSL and nothing else.
  std::vector<const oidu::Bytes*> inputs;
  inputs.reserve(lengths.size());
  for (const auto n : lengths) inputs.push_back(&cts.of_length(n));
  oidu::Bytes plain;
  const auto start = Clock::now();
  for (const auto* ct : inputs)
    (key.open(Ciphertexts::nonce(), Ciphertexts::aad(), oidu::view(*ct), plain) ? out.opened : out.failed)++;
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

void keep_best(Pass& best, const Pass& run, int round) {
  if (round == 0 || run.seconds < best.seconds) best = run;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: bench_limit CAPTURE [REPEAT]\n");
    return 2;
  }
  const char* path = argv[1];
  const int repeat = argc == 3 ? std::max(1, std::atoi(argv[2])) : 3;
  const oidu::AeadInfo* alg = oidu::aead_by_id(10);  // AES-CCM-16-64-128, the OSCORE default
  const oidu::Bytes key_bytes(alg->key_len, 0x42);
  oidu::AeadKey key(*alg, oidu::view(key_bytes));
  Ciphertexts cts(key);

  // Untimed: the sizes of every OSCORE ciphertext, in file order, and the file in the page cache.
  std::vector<std::uint32_t> lengths;
  Pass scan;
  if (!read_pass(path, &key, &cts, &lengths, scan)) return 1;
  if (scan.failed != 0) {
    std::fprintf(stderr, "bench_limit: %llu AES-CCM opens failed\n", static_cast<unsigned long long>(scan.failed));
    return 1;
  }

  Pass read_only, crypto_only, both;
  for (int r = 0; r < repeat; ++r) {
    Pass a, b, c;
    if (!read_pass(path, nullptr, nullptr, nullptr, a)) return 1;
    crypto_pass(key, cts, lengths, b);
    if (!read_pass(path, &key, &cts, nullptr, c)) return 1;
    keep_best(read_only, a, r);
    keep_best(crypto_only, b, r);
    keep_best(both, c, r);
  }
  std::printf("frames %llu\n", static_cast<unsigned long long>(read_only.frames));
  std::printf("udp %llu\n", static_cast<unsigned long long>(read_only.udp));
  std::printf("ciphertexts %zu\n", lengths.size());
  std::printf("distinct_sizes %zu\n", cts.distinct());
  std::printf("read_s %.6f\n", read_only.seconds);
  std::printf("crypto_s %.6f\n", crypto_only.seconds);
  std::printf("read_crypto_s %.6f\n", both.seconds);
  return 0;
}
