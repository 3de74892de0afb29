// Shared by the test_keys_* files: the RFC 8613 Appendix C vectors and a check that a
// loaded key entry derives exactly the keys the RFC lists.
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/context.hpp"
#include "keys/keys.hpp"

namespace oidu::keys_test {

inline nlohmann::json rfc8613_vector(const std::string& section) {
  std::ifstream in(std::string(OIDU_SOURCE_DIR) + "/tests/vectors/rfc8613-and-kudos-vectors.json");
  return nlohmann::json::parse(in).at("rfc8613").at(section);
}

inline std::string third_party(const std::string& name) {
  return std::string(OIDU_SOURCE_DIR) + "/captures/third-party/" + name;
}

// `entry` read as the client side of the RFC section (sender = client).
inline void expect_derives_vector(const KeyEntry& entry, const std::string& section) {
  const auto v = rfc8613_vector(section);
  const auto& in = v.at("inputs");
  const auto& out = v.at("derived");
  EXPECT_EQ(to_hex(entry.client_id), in.at("sender_id").get<std::string>());
  EXPECT_EQ(to_hex(entry.server_id), in.at("recipient_id").get<std::string>());
  EXPECT_EQ(entry.material.aead, in.at("aead_alg").get<int>());
  EXPECT_EQ(to_hex(derive_key(entry.material, view(entry.client_id))),
            out.at("sender_key").get<std::string>());
  EXPECT_EQ(to_hex(derive_key(entry.material, view(entry.server_id))),
            out.at("recipient_key").get<std::string>());
  EXPECT_EQ(to_hex(derive_common_iv(entry.material)), out.at("common_iv").get<std::string>());
}

inline bool any_error_contains(const KeyLoadResult& r, const std::string& text) {
  for (const auto& e : r.errors) {
    if (e.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace oidu::keys_test
