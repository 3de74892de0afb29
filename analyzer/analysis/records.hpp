// What the engine reports: one MessageRecord per CoAP message, one ProcedureRecord per
// ID-update or KUDOS execution, Findings from the catalogue, Diagnostics for bad input.
// Records own their bytes: front ends may keep them after the frame buffer is gone.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture.hpp"
#include "core/kudos_derive.hpp"
#include "wire/coap.hpp"

namespace oidu {

// The peers' roles, the procedures and their outcomes: the typed vocabulary every record
// is written in. The names the reports print come from records.cpp, nowhere else.
enum class Role : std::uint8_t { Client = 0, Server = 1 };
inline Role other(Role r) { return r == Role::Client ? Role::Server : Role::Client; }
inline std::size_t idx(Role r) { return static_cast<std::size_t>(r); }
const char* role_name(Role r);  // "client", "server"
// "unknown" for a procedure whose start is not in the capture.
const char* initiator_name(std::optional<Role> r);

enum class KudosState : std::uint8_t { Idle, Busy, Pending };
const char* kudos_state_name(KudosState s);  // "IDLE", "BUSY", "PENDING"

enum class ProcedureType : std::uint8_t { IdUpdate, Kudos };
const char* procedure_type_name(ProcedureType t);  // "id-update", "kudos"

// ID update: stand-alone or integrated in KUDOS; KUDOS: forward secrecy or not.
enum class ProcedureMode : std::uint8_t { Standalone, Integrated, ForwardSecrecy, NoForwardSecrecy };
const char* procedure_mode_name(ProcedureMode m);  // "standalone", "integrated", "fs", "no-fs"

enum class Outcome : std::uint8_t { Success, Failure, Aborted, Incomplete, Disagreement };
const char* outcome_name(Outcome o);  // "success", "failure", "aborted", "incomplete", "disagreement"

// Where a context comes from: a key file, or derived on the way by an ID update (CTX_B),
// a KUDOS execution (CTX_TEMP, CTX_NEW) or another ID Context of the same keys.
enum class ContextKind : std::uint8_t { Keys, IdUpdate, KudosTemp, KudosNew, IdContext };

// A context's kind and the procedure that made it (0 for key files and ID Contexts).
struct ContextOrigin {
  ContextKind kind = ContextKind::Keys;
  std::uint32_t procedure = 0;
  Bytes id_context;   // IdContext: the ID Context it was derived for
  bool operator==(const ContextOrigin&) const = default;
};
// "keys", "id-update #2", "kudos #1 CTX_TEMP", "kudos #1 CTX_NEW", "id-context 0a0b".
std::string context_origin_name(ContextOrigin o);

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

// Why an OSCORE message was not opened, besides its DecryptStatus (NoContext, Failed,
// Malformed): what a front end needs to advise the user without reading `problem`.
enum class UnopenedReason : std::uint8_t {
  RequestWithoutKid,    // NoContext
  NoMatchingRequest,    // NoContext: a response whose OSCORE request is not in the capture
  RequestNotOpened,     // NoContext: its request was not opened either
  UnknownKid,           // NoContext: no context has the request's kid
  VerificationFailed,   // Failed: every candidate context failed (tried_contexts)
  MalformedPlaintext,   // Malformed: decrypted, but the plaintext does not parse
};

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

// A peer's state in its procedure after a message: for an ID update its offer and the
// acknowledgements it sent and received, for KUDOS its state.
struct PeerState {
  std::optional<Bytes> offered;
  unsigned acks_sent = 0, acks_received = 0;
  std::optional<std::uint64_t> completed_at;
  std::optional<KudosState> kudos;
  bool operator==(const PeerState&) const = default;
};
// "client offered 42, acks sent 1 received 2, completed at 7; server no offer, ..." or
// "client BUSY, server IDLE".
std::string peer_states_text(const std::array<PeerState, 2>& peers);

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
  CoapType type = CoapType::Con;
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
  std::uint32_t context_id = 0;  // and its number in this capture's analysis (1, 2, ...)
  std::optional<ContextOrigin> context_origin;  // set with `context`
  std::optional<std::uint8_t> inner_code;
  std::vector<OptionRecord> inner_options;
  Bytes payload;               // inner payload if decrypted, else the outer payload
  std::string problem;         // why it was not decrypted, for people
  std::optional<UnopenedReason> unopened;   // why, for tools
  std::vector<std::string> tried_contexts;  // VerificationFailed: the contexts that failed
  std::string hint;            // VerificationFailed: what the key file probably lacks, if known

  // Its place in a procedure, if any.
  std::optional<std::uint32_t> procedure;
  std::optional<MessageRole> role;
  // Each peer's state after this message, in its procedure (client first).
  std::optional<std::array<PeerState, 2>> peer_states;
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
  Role role = Role::Client;
  std::optional<Bytes> offered;            // ID update: the Recipient ID it offered
  std::optional<std::uint64_t> completed_at;  // frame where its completion condition held
  std::optional<KudosState> final_state;   // KUDOS
};

struct ProcedureRecord {
  std::uint32_t id = 0;
  ProcedureType type = ProcedureType::IdUpdate;
  std::optional<Role> initiator;   // none: started before the capture
  Outcome outcome = Outcome::Incomplete;
  ProcedureMode mode = ProcedureMode::Standalone;
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

// A security context the engine knows, from the key files or derived on the way.
struct ContextRecord {
  std::string name;
  ContextOrigin origin;
  std::string parent;          // the name of the context it was derived from ("" for keys)
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
