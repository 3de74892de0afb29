// The test-side peers must protect messages exactly as RFC 8613 does, or every other
// analysis test proves nothing: their bytes are checked against Appendix C.4 and C.7.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "flow_builder.hpp"

namespace oidu::flow {
namespace {

nlohmann::json vector_of(const std::string& section) {
  std::ifstream in(std::string(OIDU_SOURCE_DIR) + "/tests/vectors/rfc8613-and-kudos-vectors.json");
  return nlohmann::json::parse(in).at("rfc8613").at(section);
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(FlowBuilder, ProtectsLikeRfc8613AppendixC4AndC7) {
  // C.1: client Sender ID empty, server Sender ID 0x01.
  Flow f(rfc8613_material(), Bytes{}, b({0x01}));
  Msg req;
  req.inner = {{11, text("tv1")}};       // Uri-Path is class E
  req.outer = {{3, text("localhost")}};  // Uri-Host is class U
  req.payload = {};
  req.seq = 20;
  req.mid = 0x5d1f;
  req.token = b({0x00, 0x00, 0x39, 0x74});
  const std::uint64_t request = f.request(req);
  Msg resp;
  resp.payload = text("Hello World!");
  const std::uint64_t response = f.response(resp);

  auto datagram = [&](std::uint64_t frame) {
    const ByteView v = f.frames().at(frame - 1).udp_payload;
    return to_hex(v);
  };
  EXPECT_EQ(datagram(request), vector_of("C.4").at("protected_request").get<std::string>());
  EXPECT_EQ(datagram(response), vector_of("C.7").at("protected_response").get<std::string>());

  // And the analyzer opens both with the C.1 key.
  const auto r = analyze(f);
  EXPECT_EQ(r->message(request).status, DecryptStatus::Decrypted);
  EXPECT_EQ(r->message(response).status, DecryptStatus::Decrypted);
  EXPECT_EQ(r->message(response).payload, text("Hello World!"));
}

}  // namespace
}  // namespace oidu::flow
