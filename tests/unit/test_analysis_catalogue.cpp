// The finding catalogue is a contract (issue 3, "findings" table, plus codes appended
// since): exactly these codes, with these severities. A new code fails this test until it is added
// here, next to the raise / must-not-raise pair that the other test_analysis_* files hold for every
// code.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "analysis/finding_catalogue.hpp"

namespace oidu {
namespace {

const std::map<std::string, Severity> kTable = {
    {"RID_REUSED", Severity::Error},
    {"RID_IS_OWN_SENDER_ID", Severity::Error},
    {"RID_TOO_LONG", Severity::Error},
    {"OPTION_IN_CLEAR", Severity::Error},
    {"ACK_MISMATCH", Severity::Error},
    {"CONCURRENT_PROCEDURE", Severity::Error},
    {"ERROR_RESPONSE_WITH_RID", Severity::Error},
    {"STANDALONE_AFTER_REBOOT", Severity::Error},
    {"USED_BEFORE_CONFIRMED", Severity::Error},
    {"NONCE_REUSE", Severity::Error},
    {"NON_KUDOS_WHILE_BUSY", Severity::Error},
    {"KUDOS_B_BIT_CHANGED", Severity::Error},
    {"NEW_ID_ON_OLD_NETWORK", Severity::Warning},
    {"OLD_ID_ON_NEW_NETWORK", Severity::Warning},
    {"PIV_NOT_RESET", Severity::Warning},
    {"MAC_UNCHANGED", Severity::Warning},
    {"ID_CONTEXT_UNCHANGED", Severity::Warning},
    {"KUDOS_NO_FS_DOWNGRADE", Severity::Warning},
    {"DECRYPT_FAILED", Severity::Warning},
    {"NO_CONTINUATION", Severity::Info},
    {"PROCEDURE_FAILED", Severity::Info},
    {"MID_CONTINUES", Severity::Info},
    {"TOKEN_REUSED", Severity::Info},
    // Appended to the issue's table.
    {"OFFERED_IDS_EQUAL", Severity::Error},
    {"STARTED_BEFORE_CAPTURE", Severity::Info},
};

TEST(FindingCatalogue, MatchesTheIssueTable) {
  const auto catalogue = finding_catalogue();
  EXPECT_EQ(catalogue.size(), kTable.size());
  for (const auto& spec : catalogue) {
    const auto it = kTable.find(spec.name);
    ASSERT_NE(it, kTable.end()) << spec.name << " has no entry (and no tests) here";
    EXPECT_EQ(spec.severity, it->second) << spec.name;
    EXPECT_NE(std::string(spec.when), "") << spec.name;
    EXPECT_EQ(&finding_spec(spec.code), &spec) << spec.name;
  }
  for (const auto& [name, severity] : kTable) {
    const auto code = finding_code(name);
    ASSERT_TRUE(code.has_value()) << name;
    EXPECT_EQ(finding_spec(*code).severity, severity) << name;
    EXPECT_EQ(finding_name(*code), name);
  }
  EXPECT_FALSE(finding_code("NO_SUCH_CODE").has_value());
}

}  // namespace
}  // namespace oidu
