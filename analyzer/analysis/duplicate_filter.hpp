// CoAP message deduplication (RFC 7252 4.5): the same Message ID from the same endpoint
// within its lifetime is a retransmission, not a new message.
//
// Every message is looked up once, so the table is flat (open addressing, linear
// probing): one cache line per lookup instead of a chain of nodes. Entries are not
// removed when they expire: an expired slot is simply reused, and the table is rebuilt
// from its live entries when it fills up, so memory follows the messages of the last
// EXCHANGE_LIFETIME, never the whole capture.
#pragma once
#include <cstdint>
#include <vector>

#include "capture/capture.hpp"
#include "core/huge_pages.hpp"
#include "wire/coap.hpp"

namespace oidu {

// RFC 7252 4.8.2: how long a peer may send a copy of a message of each type. A CON is
// retransmitted within EXCHANGE_LIFETIME, a NON within NON_LIFETIME, and a piggybacked
// ACK is sent again only in answer to a retransmitted CON, within MAX_TRANSMIT_WAIT.
inline constexpr std::int64_t kExchangeLifetimeUs = 247'000'000;
inline constexpr std::int64_t kNonLifetimeUs = 145'000'000;
inline constexpr std::int64_t kMaxTransmitWaitUs = 93'000'000;

std::int64_t duplicate_lifetime_us(CoapType type);

class DuplicateFilter {
 public:
  // True if this (source, type, Message ID, bytes) was already seen within the type's
  // lifetime; `original_frame` then receives the frame of the first copy.
  bool seen(const Endpoint& src, CoapType type, std::uint16_t message_id, ByteView datagram,
            std::uint64_t frame, std::int64_t now_us, std::uint64_t* original_frame);

  // Starts loading the slot seen() will probe first for this message, a few frames ahead.
  void prefetch(const Endpoint& src, CoapType type, std::uint16_t message_id) const;

  std::size_t capacity() const { return slots_.size(); }
  std::size_t live(std::int64_t now_us) const;

 private:
  // Keyed by a fingerprint of (source, type, Message ID): a collision would also need
  // the same datagram digest to be taken for a retransmission.
  // 24 bytes: a busy capture keeps EXCHANGE_LIFETIME's worth of them. Frame numbers
  // are 32-bit, as in Wireshark; a 32-bit digest suffices next to the 64-bit key.
  struct Slot {
    std::uint64_t key = 0;  // 0: never used
    std::int64_t expires_us = 0;
    std::uint32_t digest = 0;
    std::uint32_t frame = 0;
  };
  static std::uint64_t key_of(const Endpoint& src, CoapType type, std::uint16_t message_id);
  std::size_t home(std::uint64_t key) const;
  void rebuild(std::int64_t now_us);

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t used_ = 0;  // slots ever filled since the last rebuild, live or expired
};

}  // namespace oidu
