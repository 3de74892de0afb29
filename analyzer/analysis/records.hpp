// What the engine reports: one MessageRecord per CoAP message, one ProcedureRecord per
// ID-update or KUDOS execution, Findings from the catalogue, Diagnostics for bad input.
// Records own their bytes: front ends may keep them after the frame buffer is gone.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture.hpp"
#include "core/kudos_derive.hpp"

namespace oidu {

struct OptionRecord {
  std::uint16_t number = 0;
  Bytes value;
};

enum class MessageKind { Request, Response, Empty };
const char* message_kind_name(MessageKind k);  // "request", "response", "empty"

enum class DecryptStatus {
  NotOscore,     // plain CoAP
  Decrypted,     // opened with `context`
  NoContext,     // no known context matches kid / exchange
  Failed,        // a known context matched but verification failed (DECRYPT_FAILED)
  Malformed,     // the OSCORE option or the plaintext could not be parsed
  Duplicate      // a retransmission of a message already seen (not decrypted again)
};
const char* decrypt_status_name(DecryptStatus s);  // "not-oscore", "decrypted", ...

struct KudosRecord {
  std::uint8_t x = 0;
  Bytes nonce;
  bool z() const { return (x & 0x40) != 0; }  // the wire bit; older drafts leave it 0 on convergent messages
  bool preserve_observations() const { return (x & 0x20) != 0; }
  bool no_fs() const { return (x & 0x10) != 0; }
  std::optional<KudosDerivation> derivation;  // which derivation opened it
  // Opened with CTX_NEW: a convergent message, whatever its z bit says; with CTX_TEMP,
  // a divergent one.
  bool convergent = false;
};

// A message's place in its procedure.
enum class MessageRole {
  Offer,            // ID update: carries Recipient-ID
  OfferAck,         // Recipient-ID and Recipient-ID-Ack
  Ack,              // Recipient-ID-Ack only
  Abort,            // the protected 5.03 that ends an ID update
  InProcedure,      // neither option, while the procedure runs
  PrematureUse,     // protected with the new IDs before its sender completed
  Divergent,        // KUDOS, protected with CTX_TEMP
  Convergent,       // KUDOS, protected with CTX_NEW
  KeyConfirmation,  // the first non-KUDOS message under CTX_NEW
  NonKudos,         // a non-KUDOS message during a KUDOS execution
  Declined,         // a plain answer to a divergent request: the other peer did not take part
};
// "offer", "offer+ack", "ack", ...; "" for none.
const char* message_role_name(std::optional<MessageRole> role);

struct MessageRecord {
  std::uint64_t frame = 0;
  std::int64_t time_us = 0;
  Endpoint src, dst;
  std::optional<MacAddress> src_mac, dst_mac;
  std::string type;                   // "CON", "NON", "ACK", "RST"
  std::uint8_t code = 0;              // outer code
  std::uint16_t message_id = 0;
  Bytes token;
  MessageKind kind = MessageKind::Empty;
  std::optional<std::uint64_t> request_frame;  // a response: the frame of its request
  std::vector<OptionRecord> outer_options;

  // OSCORE option, if any.
  bool oscore = false;
  std::optional<Bytes> kid, kid_context;
  Bytes partial_iv;
  std::optional<KudosRecord> kudos;

  DecryptStatus status = DecryptStatus::NotOscore;
  std::string context;         // name of the context that opened it
  std::string context_origin;  // "keys", "id-update #2", "kudos #1 CTX_TEMP", "kudos #1 CTX_NEW"
  std::optional<std::uint8_t> inner_code;
  std::vector<OptionRecord> inner_options;
  Bytes payload;               // inner payload if decrypted, else the outer payload
  std::string problem;         // why it was not decrypted, for people

  // Its place in a procedure, if any.
  std::optional<std::uint32_t> procedure;
  std::optional<MessageRole> role;
  std::string peer_states;     // each peer's state after this message, for people
};

// Makes `m` a fresh MessageRecord again while its strings and byte vectors keep their
// capacity: the engine fills one record per message, and allocating them anew for every
// message cost more than the AEAD.
void reset_keeping_capacity(MessageRecord& m);

enum class Severity { Info = 0, Warning = 1, Error = 2 };
const char* severity_name(Severity s);  // "info", "warning", "error"

// Every finding the engine can report; finding_catalogue.hpp names and describes each.
// Appended only, never reordered: the order is the catalogue's.
enum class FindingCode : std::uint8_t {
  RidReused,
  RidIsOwnSenderId,
  RidTooLong,
  OptionInClear,
  AckMismatch,
  ConcurrentProcedure,
  ErrorResponseWithRid,
  StandaloneAfterReboot,
  UsedBeforeConfirmed,
  NonceReuse,
  NonKudosWhileBusy,
  KudosBBitChanged,
  NewIdOnOldNetwork,
  OldIdOnNewNetwork,
  PivNotReset,
  MacUnchanged,
  IdContextUnchanged,
  KudosNoFsDowngrade,
  DecryptFailed,
  NoContinuation,
  ProcedureFailed,
  MidContinues,
  TokenReused,
  OfferedIdsEqual,
  StartedBeforeCapture,
};
inline constexpr std::size_t kFindingCodes = static_cast<std::size_t>(FindingCode::StartedBeforeCapture) + 1;

struct Finding {
  FindingCode code = FindingCode::RidReused;
  Severity severity = Severity::Info;
  std::uint64_t frame = 0;
  std::optional<std::uint32_t> procedure;
  std::string message;
};

struct PeerRecord {
  std::string role;                        // "client" or "server"
  std::optional<Bytes> offered;            // ID update: the Recipient ID it offered
  std::optional<std::uint64_t> completed_at;  // frame where its completion condition held
  std::string final_state;                 // KUDOS: "IDLE", "BUSY", "PENDING"
};

struct ProcedureRecord {
  std::uint32_t id = 0;
  std::string type;            // "id-update" or "kudos"
  std::string initiator;       // "client", "server", or "unknown" (started before the capture)
  std::string outcome;         // "success", "failure", "aborted", "incomplete", "disagreement"
  std::string mode;            // "standalone"/"integrated" or "fs"/"no-fs"
  bool started_before_capture = false;  // id-update: its offers are not in the capture
  std::string context;         // name of the context it ran on
  std::uint64_t first_frame = 0, last_frame = 0;
  std::vector<std::uint64_t> frames;
  Endpoint client, server;
  Bytes old_client_id, old_server_id;               // Sender IDs before
  std::optional<Bytes> new_client_id, new_server_id;  // on success (id-update)
  PeerRecord client_peer, server_peer;
  std::optional<KudosDerivation> derivation;          // kudos
  std::optional<std::uint32_t> kudos_procedure;       // integrated id-update: its KUDOS run
  std::string new_context;     // name of the context it produced, if any
};

// Where a context comes from: a key file, or derived on the way by an ID update (CTX_B),
// a KUDOS execution (CTX_TEMP, CTX_NEW) or another ID Context of the same keys.
enum class ContextKind { Keys, IdUpdate, KudosTemp, KudosNew, IdContext };

// A security context the engine knows, from the key files or derived on the way.
struct ContextRecord {
  std::string name;
  ContextKind kind = ContextKind::Keys;
  std::string origin;          // "keys", "id-update #1", "kudos #2 CTX_NEW", ...
  Bytes client_id, server_id;  // Sender IDs
  int aead = 10;
  std::string hkdf;
  std::optional<Bytes> id_context;
  Bytes master_secret, master_salt;   // secrets: front ends show them only on request
  std::uint64_t frame = 0;     // frame that made it known (0 for key files)
};

struct Diagnostic {
  std::string file;
  std::uint64_t frame = 0;     // 0 when not about one frame
  std::string message;
};

struct Summary {
  std::uint64_t frames = 0;
  std::uint64_t udp_datagrams = 0;
  std::uint64_t coap_messages = 0;
  std::uint64_t oscore_messages = 0;
  std::uint64_t decrypted = 0;
  std::uint64_t undecryptable = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t malformed = 0;     // CoAP or OSCORE that did not parse
  std::uint64_t bad_frames = 0;    // truncated or unusable frames
  std::uint64_t procedures = 0;
  std::uint64_t findings = 0;
};

}  // namespace oidu
