#include "analysis/finding_catalogue.hpp"

#include <array>

namespace oidu {
namespace {

constexpr std::array kCatalogue{
    FindingSpec{"RID_REUSED", Severity::Error,
                "a peer offers a Recipient ID that it already used as Recipient ID, or offered in a "
                "procedure that failed, under the same (Master Secret, Master Salt, ID Context)"},
    FindingSpec{"RID_IS_OWN_SENDER_ID", Severity::Error,
                "a peer goes on with a procedure after receiving an offered Recipient ID that it "
                "already used as its own Sender ID under the same triple (it must abort)"},
    FindingSpec{"RID_TOO_LONG", Severity::Error,
                "an offered Recipient ID is longer than the AEAD nonce length minus 6"},
    FindingSpec{"OPTION_IN_CLEAR", Severity::Error,
                "Recipient-ID or Recipient-ID-Ack outside the OSCORE ciphertext: in an unprotected "
                "message, or as an outer option"},
    FindingSpec{"ACK_MISMATCH", Severity::Error,
                "a Recipient-ID-Ack value differs from the Recipient ID the other peer offered, or "
                "none was offered"},
    FindingSpec{"CONCURRENT_PROCEDURE", Severity::Error,
                "a peer offers a different Recipient ID while its procedure with the same peer is "
                "ongoing"},
    FindingSpec{"ERROR_RESPONSE_WITH_RID", Severity::Error,
                "the 5.03 response that aborts a procedure carries Recipient-ID"},
    FindingSpec{"STANDALONE_AFTER_REBOOT", Severity::Error,
                "a peer that showed loss of state (Echo challenge, RFC 8613 B.1.2, or context "
                "re-derivation, B.2) takes part in a stand-alone ID update before a KUDOS or a new "
                "context completes"},
    FindingSpec{"USED_BEFORE_CONFIRMED", Severity::Error,
                "a peer protects a message with the new IDs before its own completion condition "
                "holds"},
    FindingSpec{"NONCE_REUSE", Severity::Error,
                "two different messages protected with the same key and AEAD nonce"},
    FindingSpec{"NON_KUDOS_WHILE_BUSY", Severity::Error,
                "a peer in BUSY or PENDING sends a non-KUDOS message"},
    FindingSpec{"KUDOS_B_BIT_CHANGED", Severity::Error,
                "the 'b' bit differs between the KUDOS messages one peer sends in one execution"},
    FindingSpec{"NEW_ID_ON_OLD_NETWORK", Severity::Warning,
                "a message protected with the new IDs travels between the same pair of IP "
                "addresses that carried the old IDs"},
    FindingSpec{"OLD_ID_ON_NEW_NETWORK", Severity::Warning,
                "after the switch, a message protected with the old IDs travels on an address pair "
                "first used with the new IDs"},
    FindingSpec{"PIV_NOT_RESET", Severity::Warning,
                "the first Partial IV a peer sends under the new IDs continues its old sequence "
                "(above the last old one and within 64 of it)"},
    FindingSpec{"MAC_UNCHANGED", Severity::Warning,
                "an endpoint that changed its IP address across the switch kept its link-layer "
                "address"},
    FindingSpec{"ID_CONTEXT_UNCHANGED", Severity::Warning,
                "the same non-empty kid context is sent in clear before and after the switch"},
    FindingSpec{"KUDOS_NO_FS_DOWNGRADE", Severity::Warning,
                "a peer that ran KUDOS in FS mode with this peer before now asks for no-FS mode"},
    FindingSpec{"DECRYPT_FAILED", Severity::Warning,
                "a message belongs to a known context (kid or exchange) but fails verification"},
    FindingSpec{"NO_CONTINUATION", Severity::Info,
                "a peer received a valid first ID update message and neither continued nor "
                "aborted (typical of a peer without support)"},
    FindingSpec{"PROCEDURE_FAILED", Severity::Info,
                "a procedure ended without confirmation, or with the peers disagreeing on the new "
                "IDs"},
    FindingSpec{"MID_CONTINUES", Severity::Info,
                "the first CoAP Message ID after the switch continues the old sequence"},
    FindingSpec{"TOKEN_REUSED", Severity::Info,
                "a token used before the switch is used again after it"},
    // Appended after the first catalogue; never reorder.
    FindingSpec{"OFFERED_IDS_EQUAL", Severity::Error,
                "both peers offer the same Recipient ID, so both would have the same Sender ID "
                "and key"},
    FindingSpec{"STARTED_BEFORE_CAPTURE", Severity::Info,
                "the capture starts during an ID update: both peers acknowledge offers it does not "
                "contain, so the offers are taken from the acknowledgements and only what is "
                "visible is judged"},
};

}  // namespace

std::span<const FindingSpec> finding_catalogue() { return kCatalogue; }

const FindingSpec* finding_spec(std::string_view code) {
  for (const auto& spec : kCatalogue) {
    if (code == spec.code) return &spec;
  }
  return nullptr;
}

}  // namespace oidu
