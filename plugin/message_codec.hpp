// A MessageRecord reduced to what the tree shows, packed into a few bytes per frame.
//
// Wireshark keeps every frame's result for the whole file, so a full MessageRecord (endpoints,
// token, every option as its own vector, a dozen strings) cost about 1 KB per frame. Packed,
// a record holds flags, the status, varints, numbers of interned strings, and only the bytes
// the tree shows: OSCORE option fields, Recipient-ID(-Ack) outside the ciphertext, and the
// decrypted inner message as one byte string (code, options, payload as on the wire).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analysis/records.hpp"
#include "core/bytes.hpp"
#include "string_pool.hpp"

namespace oidu_plugin {

struct StoredOption {
  std::uint16_t number = 0;
  oidu::ByteView value;
};

struct StoredKudos {
  std::uint8_t x = 0;
  oidu::ByteView nonce;
  std::optional<oidu::KudosDerivation> derivation;
};

// One message as the tree reads it: views into the packed record and the string pool.
struct StoredMessage {
  oidu::DecryptStatus status = oidu::DecryptStatus::NotOscore;
  std::string_view problem;
  bool oscore = false;
  oidu::ByteView partial_iv;
  std::optional<oidu::ByteView> kid, kid_context;
  std::optional<StoredKudos> kudos;
  std::vector<StoredOption> outer_id_options;  // Recipient-ID / -Ack outside the ciphertext
  std::string_view context, context_origin;
  std::optional<std::uint64_t> request_frame;
  std::optional<std::uint8_t> inner_code;
  oidu::ByteView plaintext;  // a decrypted message with an inner code: the inner message
  std::optional<std::uint32_t> procedure;
  std::string_view role, peer_states;
};

// Appends the packed form of `m` to `out`; strings repeated across frames go to `strings`.
void pack_message(const oidu::MessageRecord& m, StringPool& strings, oidu::Bytes& out);

// Reads a record pack_message wrote (the caller keeps it and `strings` alive).
StoredMessage unpack_message(const std::uint8_t* record, const StringPool& strings);

}  // namespace oidu_plugin
