// The one table of finding codes (finding_catalogue.hpp).
#include "analysis/finding_catalogue.hpp"

#include <array>

namespace oidu {
namespace {

constexpr std::array kCatalogue{
    FindingSpec{FindingCode::RidReused, "RID_REUSED", Severity::Error, FindingGroup::Security,
                "a peer offers a Recipient ID that it already used as Recipient ID, or offered in "
                "a procedure that failed, under the same (Master Secret, Master Salt, ID Context)"},
    FindingSpec{FindingCode::RidIsOwnSenderId, "RID_IS_OWN_SENDER_ID", Severity::Error, FindingGroup::Protocol,
                "a peer goes on with a procedure after receiving an offered Recipient ID that it "
                "already used as its own Sender ID under the same triple (it must abort)"},
    FindingSpec{FindingCode::RidTooLong, "RID_TOO_LONG", Severity::Error, FindingGroup::Protocol,
                "an offered Recipient ID is longer than the AEAD nonce length minus 6"},
    FindingSpec{FindingCode::OptionInClear, "OPTION_IN_CLEAR", Severity::Error, FindingGroup::Protocol,
                "Recipient-ID or Recipient-ID-Ack outside the OSCORE ciphertext: in an "
                "unprotected message, or as an outer option"},
    FindingSpec{FindingCode::AckMismatch, "ACK_MISMATCH", Severity::Error, FindingGroup::Protocol,
                "a Recipient-ID-Ack value differs from the Recipient ID the other peer offered, "
                "or none was offered"},
    FindingSpec{FindingCode::ConcurrentProcedure, "CONCURRENT_PROCEDURE", Severity::Error, FindingGroup::Protocol,
                "a peer offers a different Recipient ID while its procedure with the same peer is "
                "ongoing"},
    FindingSpec{FindingCode::ErrorResponseWithRid, "ERROR_RESPONSE_WITH_RID", Severity::Error, FindingGroup::Protocol,
                "the 5.03 response that aborts a procedure carries Recipient-ID"},
    FindingSpec{FindingCode::StandaloneAfterReboot, "STANDALONE_AFTER_REBOOT", Severity::Error, FindingGroup::Protocol,
                "a peer that showed loss of state (Echo challenge, RFC 8613 B.1.2, or context "
                "re-derivation, B.2) takes part in a stand-alone ID update before a KUDOS or a "
                "new context completes"},
    FindingSpec{FindingCode::UsedBeforeConfirmed, "USED_BEFORE_CONFIRMED", Severity::Error, FindingGroup::Protocol,
                "a peer protects a message with the new IDs before its own completion condition "
                "holds"},
    FindingSpec{FindingCode::NonceReuse, "NONCE_REUSE", Severity::Error, FindingGroup::Security,
                "two different messages protected with the same key and AEAD nonce"},
    FindingSpec{FindingCode::NonKudosWhileBusy, "NON_KUDOS_WHILE_BUSY", Severity::Error, FindingGroup::Protocol,
                "a peer in BUSY or PENDING sends a non-KUDOS message"},
    FindingSpec{FindingCode::KudosBBitChanged, "KUDOS_B_BIT_CHANGED", Severity::Error, FindingGroup::Protocol,
                "the 'b' bit differs between the KUDOS messages one peer sends in one execution"},
    FindingSpec{FindingCode::NewIdOnOldNetwork, "NEW_ID_ON_OLD_NETWORK", Severity::Warning, FindingGroup::Security,
                "a message protected with the new IDs travels between the same pair of IP "
                "addresses that carried the old IDs (or earlier IDs of the same context)"},
    FindingSpec{FindingCode::OldIdOnNewNetwork, "OLD_ID_ON_NEW_NETWORK", Severity::Warning, FindingGroup::Security,
                "after the switch, a message protected with the old IDs travels on an address "
                "pair first used with the new IDs"},
    FindingSpec{FindingCode::PivNotReset, "PIV_NOT_RESET", Severity::Warning, FindingGroup::Security,
                "the first Partial IV a peer sends under the new IDs continues its old sequence "
                "(above the last old one and within 64 of it)"},
    FindingSpec{FindingCode::MacUnchanged, "MAC_UNCHANGED", Severity::Warning, FindingGroup::Security,
                "an endpoint that changed its IP address across the switch kept its link-layer "
                "address"},
    FindingSpec{FindingCode::IdContextUnchanged, "ID_CONTEXT_UNCHANGED", Severity::Warning, FindingGroup::Security,
                "the same non-empty kid context is sent in clear before and after the switch"},
    FindingSpec{FindingCode::KudosNoFsDowngrade, "KUDOS_NO_FS_DOWNGRADE", Severity::Warning, FindingGroup::Security,
                "a peer that ran KUDOS in FS mode with this peer before now asks for no-FS mode"},
    FindingSpec{FindingCode::DecryptFailed, "DECRYPT_FAILED", Severity::Warning, FindingGroup::Decryption,
                "a message belongs to a known context (kid or exchange) but fails verification"},
    FindingSpec{FindingCode::NoContinuation, "NO_CONTINUATION", Severity::Info, FindingGroup::Sequence,
                "a peer received a valid first ID update message and neither continued nor "
                "aborted (typical of a peer without support)"},
    FindingSpec{FindingCode::ProcedureFailed, "PROCEDURE_FAILED", Severity::Info, FindingGroup::Sequence,
                "a procedure ended without confirmation, or with the peers disagreeing on the new "
                "IDs"},
    FindingSpec{FindingCode::MidContinues, "MID_CONTINUES", Severity::Info, FindingGroup::Security,
                "the first CoAP Message ID after the switch continues the old sequence"},
    FindingSpec{FindingCode::TokenReused, "TOKEN_REUSED", Severity::Info, FindingGroup::Security,
                "a token used before the switch is used again after it"},
    FindingSpec{FindingCode::OfferedIdsEqual, "OFFERED_IDS_EQUAL", Severity::Error, FindingGroup::Protocol,
                "both peers offer the same Recipient ID, so both would have the same Sender ID "
                "and key"},
    FindingSpec{FindingCode::StartedBeforeCapture, "STARTED_BEFORE_CAPTURE", Severity::Info, FindingGroup::Sequence,
                "the capture starts during an ID update: both peers acknowledge offers it does "
                "not contain, so the offers are taken from the acknowledgements and only what is "
                "visible is judged"},
};

constexpr bool in_code_order() {
  for (std::size_t i = 0; i < kCatalogue.size(); ++i) {
    if (static_cast<std::size_t>(kCatalogue[i].code) != i) return false;
  }
  return kCatalogue.size() == kFindingCodes;
}
static_assert(in_code_order(), "one entry per FindingCode, in enum order");

}  // namespace

std::span<const FindingSpec> finding_catalogue() { return kCatalogue; }

const FindingSpec& finding_spec(FindingCode code) { return kCatalogue[static_cast<std::size_t>(code)]; }

std::optional<FindingCode> finding_code(std::string_view name) {
  for (const auto& spec : kCatalogue) {
    if (name == spec.name) return spec.code;
  }
  return std::nullopt;
}

}  // namespace oidu
