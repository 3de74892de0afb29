// The physical limit of capture analysis on this machine: how fast libpcap alone reads the
// file down to UDP payloads, how fast OpenSSL opens AES-CCM-16-64-128 messages of the same
// sizes, and both in one pass. The analyzer cannot beat this; the benchmark compares it with it.
//
// The opens run twice: under one key (everything stays in the CPU caches), and under one
// key per pair of endpoints, KEYS keys in all, as the capture's contexts use them: with
// thousands of contexts each message meets a key schedule that is not in the cache, and
// that cost belongs to the limit of decrypting this file, whoever does it.
//
// A context costs its derivation once, on first use, whoever analyses the file: the last
// figure is RFC 8613 3.2 for KEYS contexts (HKDF extract, Sender Key, Recipient Key and
// Common IV) through the engine's own SecurityContext.
//
// Usage: bench_limit CAPTURE [REPEAT [KEYS]]
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
#include <set>
#include <string>
#include <vector>

#include "analysis/exchanges.hpp"
#include "capture/capture.hpp"
#include "core/context.hpp"
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

// The keys, and one valid ciphertext per (key, size), sealed once, so that every timed
// open verifies its tag exactly as a successful OSCORE decryption does.
class Ciphertexts {
 public:
  explicit Ciphertexts(std::size_t keys) {
    const oidu::AeadInfo* alg = oidu::aead_by_id(10);  // AES-CCM-16-64-128, the OSCORE default
    keys_.reserve(keys);
    for (std::size_t i = 0; i < keys; ++i) {
      oidu::Bytes key(alg->key_len, 0x42);
      for (std::size_t b = 0; b < 8; ++b) key[b] = static_cast<std::uint8_t>(i >> (8 * b));
      keys_.emplace_back(*alg, oidu::view(key));
    }
  }
  std::size_t keys() const { return keys_.size(); }
  oidu::AeadKey& key(std::size_t i) { return keys_[i]; }
  const oidu::Bytes& sealed(std::size_t key, std::size_t n) {
    auto it = sealed_.find({key, n});
    if (it != sealed_.end()) return it->second;
    oidu::Bytes plain(n - keys_[key].alg().tag_len, 0x5a), out;
    keys_[key].seal(nonce(), aad(), oidu::view(plain), out);
    lengths_.emplace(n);
    return sealed_.emplace(std::make_pair(key, n), std::move(out)).first->second;
  }
  std::size_t distinct() const { return lengths_.size(); }
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
  std::vector<oidu::AeadKey> keys_;
  std::map<std::pair<std::size_t, std::size_t>, oidu::Bytes> sealed_;
  std::set<std::size_t> lengths_;
};

// The key of a message: one per unordered pair of endpoints, as a context serves a pair.
std::size_t key_of(const oidu::Frame& frame, std::size_t keys) {
  if (keys == 1) return 0;
  auto a = frame.src, b = frame.dst;
  if (b < a) std::swap(a, b);
  const std::uint64_t first = oidu::fingerprint(a, {});
  const oidu::ByteView first_bytes(reinterpret_cast<const std::uint8_t*>(&first), sizeof first);
  return static_cast<std::size_t>(oidu::fingerprint(b, first_bytes) % keys);
}

// One message to open: its key and the ciphertext of its size under that key.
struct Work {
  std::uint32_t key;
  const oidu::Bytes* ciphertext;
};

struct Pass {
  std::uint64_t frames = 0, udp = 0, opened = 0, failed = 0;
  double seconds = 0;
};

// Read pass. With `plan`, it also opens each OSCORE message's ciphertext under its key,
// as planned by an earlier pass; with `build` (and `cts`, `keys`), that earlier pass:
// every message's key and ciphertext, sealed on the way.
bool read_pass(const char* path, Ciphertexts* cts, std::size_t keys, std::vector<Work>* build,
               const std::vector<Work>* plan, Pass& out) {
  Pcap p = open_pcap(path);
  if (!p) return false;
  const int link = pcap_datalink(p.get());
  oidu::Frame frame;
  oidu::Bytes plain;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  std::size_t next = 0;
  const auto start = Clock::now();
  int rc = 0;
  while ((rc = pcap_next_ex(p.get(), &hdr, &data)) == 1) {
    ++out.frames;
    oidu::decode_link_frame(link, oidu::ByteView(data, hdr->caplen), frame);
    if (!frame.is_udp) continue;
    ++out.udp;
    if (cts == nullptr) continue;
    const auto n = ciphertext_length(frame.udp_payload);
    if (!n || *n < cts->key(0).alg().tag_len) continue;
    Work w{};
    if (plan != nullptr) {
      if (next >= plan->size()) return false;
      w = (*plan)[next++];
    } else {
      const std::size_t k = key_of(frame, keys);
      w = {static_cast<std::uint32_t>(k), &cts->sealed(k, *n)};
      if (build != nullptr) build->push_back(w);
    }
    (cts->key(w.key).open(Ciphertexts::nonce(), Ciphertexts::aad(), oidu::view(*w.ciphertext), plain) ? out.opened
                                                                                                     : out.failed)++;
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (rc != PCAP_ERROR_BREAK) {
    std::fprintf(stderr, "bench_limit: %s: %s\n", path, pcap_geterr(p.get()));
    return false;
  }
  return true;
}

void crypto_pass(Ciphertexts& cts, const std::vector<Work>& work, Pass& out) {
  // Resolved before the clock starts: the crypto-only figure is OpenSSL and nothing else.
  oidu::Bytes plain;
  const auto start = Clock::now();
  for (const Work& w : work)
    (cts.key(w.key).open(Ciphertexts::nonce(), Ciphertexts::aad(), oidu::view(*w.ciphertext), plain) ? out.opened
                                                                                                      : out.failed)++;
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

// RFC 8613 3.2 for `contexts` contexts of distinct Master Secrets and Salts, as the engine
// derives one at its first use: both Sender Keys and the Common IV. Returns the seconds,
// and 0 when a derivation failed.
double derive_pass(std::size_t contexts) {
  const oidu::Bytes client_id{0x01}, server_id{};
  std::size_t derived = 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < contexts; ++i) {
    oidu::ContextMaterial material;
    material.master_secret = oidu::Bytes(16, 0x13);
    material.master_salt = oidu::Bytes(8, 0x37);
    for (std::size_t b = 0; b < 8; ++b)
      material.master_secret[b] = material.master_salt[b] = static_cast<std::uint8_t>(i >> (8 * b));
    oidu::SecurityContext context(std::move(material));
    derived += !context.raw_key_for(oidu::view(client_id)).empty() && !context.raw_key_for(oidu::view(server_id)).empty() &&
               !context.common_iv().empty();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return derived == contexts ? seconds : 0;
}

void keep_best(Pass& best, const Pass& run, int round) {
  if (round == 0 || run.seconds < best.seconds) best = run;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: bench_limit CAPTURE [REPEAT [KEYS]]\n");
    return 2;
  }
  const char* path = argv[1];
  const int repeat = argc >= 3 ? std::max(1, std::atoi(argv[2])) : 3;
  const std::size_t keys = argc == 4 ? static_cast<std::size_t>(std::max(1, std::atoi(argv[3]))) : 1;
  Ciphertexts cts(keys);

  // Untimed: every message's key and ciphertext, in file order, all sealed, and the file
  // in the page cache.
  std::vector<Work> one_key, many_keys;
  Pass scan;
  if (!read_pass(path, &cts, 1, &one_key, nullptr, scan) || !read_pass(path, &cts, keys, &many_keys, nullptr, scan))
    return 1;
  if (scan.failed != 0) {
    std::fprintf(stderr, "bench_limit: %llu AES-CCM opens failed\n", static_cast<unsigned long long>(scan.failed));
    return 1;
  }

  Pass read_only, crypto_one, both_one, crypto_many, both_many;
  double derive_s = 0;
  for (int r = 0; r < repeat; ++r) {
    Pass a, b, c, d, e;
    if (!read_pass(path, nullptr, 1, nullptr, nullptr, a)) return 1;
    crypto_pass(cts, one_key, b);
    if (!read_pass(path, &cts, 1, nullptr, &one_key, c)) return 1;
    crypto_pass(cts, many_keys, d);
    if (!read_pass(path, &cts, keys, nullptr, &many_keys, e)) return 1;
    keep_best(read_only, a, r);
    keep_best(crypto_one, b, r);
    keep_best(both_one, c, r);
    keep_best(crypto_many, d, r);
    keep_best(both_many, e, r);
    const double derived = derive_pass(keys);
    if (derived == 0) {
      std::fprintf(stderr, "bench_limit: a context derivation failed\n");
      return 1;
    }
    if (r == 0 || derived < derive_s) derive_s = derived;
  }
  std::printf("frames %llu\n", static_cast<unsigned long long>(read_only.frames));
  std::printf("udp %llu\n", static_cast<unsigned long long>(read_only.udp));
  std::printf("ciphertexts %zu\n", one_key.size());
  std::printf("distinct_sizes %zu\n", cts.distinct());
  std::printf("keys %zu\n", keys);
  std::printf("read_s %.6f\n", read_only.seconds);
  std::printf("crypto_s %.6f\n", crypto_one.seconds);
  std::printf("read_crypto_s %.6f\n", both_one.seconds);
  std::printf("crypto_keys_s %.6f\n", crypto_many.seconds);
  std::printf("read_crypto_keys_s %.6f\n", both_many.seconds);
  std::printf("derive_contexts_s %.6f\n", derive_s);
  return 0;
}
