// CoAP message codec against RFC 8613 Appendix C messages, the third-party captures as
// tshark dissects them, and hand-built malformed messages (RFC 7252 section 3).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tshark_fields.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

nlohmann::json rfc8613_vectors() {
  std::ifstream in(std::string(OIDU_SOURCE_DIR) + "/tests/vectors/rfc8613-and-kudos-vectors.json");
  return nlohmann::json::parse(in).at("rfc8613");
}

Bytes hex(const std::string& text) {
  auto b = from_hex(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b.value_or(Bytes{});
}

std::string text(ByteView v) { return std::string(v.begin(), v.end()); }

std::string parse_error(const Bytes& datagram) {
  std::string error;
  EXPECT_FALSE(parse_coap(view(datagram), &error).has_value()) << to_hex(view(datagram));
  return error;
}

TEST(WireCoap, Rfc8613C4UnprotectedAndProtectedRequest) {
  const auto c4 = rfc8613_vectors().at("C.4");
  const Bytes plain = hex(c4.at("unprotected_request"));
  std::string error;
  auto m = parse_coap(view(plain), &error);
  ASSERT_TRUE(m) << error;
  // RFC 8613 C.4: GET coap://localhost/tv1, CON, MID 0x5d1f, token 0x00003974.
  EXPECT_EQ(m->type, CoapType::Con);
  EXPECT_EQ(m->code, 1);
  EXPECT_EQ(m->message_id, 0x5d1f);
  EXPECT_EQ(to_hex(m->token), "00003974");
  ASSERT_EQ(m->body.options.size(), 2u);
  EXPECT_EQ(m->body.options[0].number, 3);
  EXPECT_EQ(text(m->body.options[0].value), "localhost");
  EXPECT_EQ(m->body.options[1].number, kOptUriPath);
  EXPECT_EQ(text(m->body.options[1].value), "tv1");
  EXPECT_TRUE(m->body.payload.empty());
  EXPECT_TRUE(m->is_request());

  const Bytes wire = hex(c4.at("protected_request"));
  auto p = parse_coap(view(wire), &error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->code, 2);  // protected requests are POST
  const CoapOption* oscore = p->body.find(kOptOscore);
  ASSERT_NE(oscore, nullptr);
  EXPECT_EQ(to_hex(oscore->value), c4.at("oscore_option").get<std::string>());
  EXPECT_EQ(to_hex(p->body.payload), c4.at("ciphertext").get<std::string>());
  EXPECT_TRUE(looks_like_oscore_coap(view(wire)));
  EXPECT_FALSE(looks_like_oscore_coap(view(plain)));
}

TEST(WireCoap, ParsedValuesAreViewsIntoTheDatagram) {
  const Bytes wire = hex(rfc8613_vectors().at("C.4").at("protected_request"));
  auto m = parse_coap(view(wire), nullptr);
  ASSERT_TRUE(m);
  const auto inside = [&](ByteView v) { return v.data() >= wire.data() && v.data() + v.size() <= wire.data() + wire.size(); };
  EXPECT_TRUE(inside(m->token));
  EXPECT_TRUE(inside(m->body.payload));
  for (const auto& o : m->body.options) EXPECT_TRUE(inside(o.value));
}

TEST(WireCoap, EveryRfc8613MessageReencodesToTheSameBytes) {
  const auto v = rfc8613_vectors();
  for (const char* section : {"C.4", "C.5", "C.6", "C.7", "C.8"}) {
    for (const char* field : {"unprotected_request", "protected_request", "unprotected_response",
                              "protected_response"}) {
      if (!v.at(section).contains(field)) continue;
      const Bytes wire = hex(v.at(section).at(field));
      std::string error;
      auto m = parse_coap(view(wire), &error);
      ASSERT_TRUE(m) << section << " " << field << ": " << error;
      EXPECT_EQ(to_hex(view(encode_coap(*m))), to_hex(view(wire))) << section << " " << field;
    }
  }
}

TEST(WireCoap, Rfc8613InnerPlaintexts) {
  const auto v = rfc8613_vectors();
  std::string error;
  // C.4 plaintext: GET with Uri-Path "tv1".
  const Bytes request = hex(v.at("C.4").at("plaintext"));
  auto inner = parse_inner(view(request), &error);
  ASSERT_TRUE(inner) << error;
  EXPECT_EQ(inner->code, 1);
  ASSERT_EQ(inner->body.options.size(), 1u);
  EXPECT_EQ(inner->body.options[0].number, kOptUriPath);
  EXPECT_EQ(text(inner->body.options[0].value), "tv1");
  EXPECT_EQ(to_hex(view(encode_inner(inner->code, inner->body.options, inner->body.payload))),
            to_hex(view(request)));
  // C.7 plaintext: 2.05 Content "Hello World!".
  const Bytes response = hex(v.at("C.7").at("plaintext"));
  inner = parse_inner(view(response), &error);
  ASSERT_TRUE(inner) << error;
  EXPECT_EQ(code_description(inner->code), "2.05 Content");
  EXPECT_TRUE(inner->body.options.empty());
  EXPECT_EQ(text(inner->body.payload), "Hello World!");
  EXPECT_FALSE(parse_inner(ByteView{}, &error));
  EXPECT_NE(error.find("code byte"), std::string::npos) << error;
}

// Every CoAP datagram of the third-party captures, compared with what tshark dissects.
TEST(WireCoap, ThirdPartyCapturesMatchTshark) {
  if (!test::tshark_available()) GTEST_SKIP() << "tshark not installed";
  std::vector<std::string> paths;
  for (const char* name : {"libcoap-oscore.pcap", "libcoap-oscore-recipient-id-options.pcap", "californium-kudos.pcap",
                           "libcoap-oscore-appendix-b2.pcap"}) {
    paths.push_back(test::third_party_capture(name));
  }
  const auto rows = test::tshark_fields_of(paths, {"frame.number", "udp.payload", "coap.type", "coap.code", "coap.mid",
                                                   "coap.token", "coap.opt.name", "coap.payload_length"},
                                           "-Y coap");
  ASSERT_TRUE(rows);
  std::size_t compared = 0;
  for (const auto& r : *rows) {
    SCOPED_TRACE("merged frame " + r[0]);
    const Bytes datagram = hex(r[1]);
    std::string error;
    auto m = parse_coap(view(datagram), &error);
    ASSERT_TRUE(m) << error;
    EXPECT_EQ(std::to_string(static_cast<int>(m->type)), r[2]);
    EXPECT_EQ(std::to_string(m->code), r[3]);
    EXPECT_EQ(std::to_string(m->message_id), r[4]);
    EXPECT_EQ(to_hex(m->token), r[5]);
    // tshark names options "#1: OSCORE,#2: ..."; the outer messages here carry OSCORE
    // and Content-Format only, which both name alike.
    std::string names;
    for (std::size_t i = 0; i < m->body.options.size(); ++i) {
      if (i) names += ",";
      names += "#" + std::to_string(i + 1) + ": " + option_name(m->body.options[i].number);
    }
    EXPECT_EQ(names, r[6]);
    EXPECT_EQ(m->body.payload.empty() ? "" : std::to_string(m->body.payload.size()), r[7]);
    ++compared;
  }
  EXPECT_EQ(compared, 72u);  // every frame of the four captures is CoAP (18 + 14 + 8 + 32)
}

TEST(WireCoap, ExtendedDeltasAndLengths) {
  // Options at 1 (delta 1), 14 (delta 13: 1-byte ext 0), 292 (delta 278: 2-byte ext 9),
  // 2053 (delta 1761), with values of 12, 13, 268 and 269 bytes.
  Bytes v12(12, 'a'), v13(13, 'b'), v268(268, 'c'), v269(269, 'd');
  std::vector<CoapOption> options = {
      {1, view(v12)}, {14, view(v13)}, {292, view(v268)}, {2053, view(v269)}};
  CoapMessage m;
  m.code = 1;
  m.message_id = 0x1234;
  m.body.options = options;
  const Bytes wire = encode_coap(m);
  // Hand-checked header bytes of each option (RFC 7252 3.1).
  EXPECT_EQ(wire[4], 0x1c);                        // delta 1, length 12
  EXPECT_EQ(wire[4 + 1 + 12], 0xdd);               // delta 13, length 13
  EXPECT_EQ(wire[4 + 1 + 12 + 1], 0x00);           // delta ext 13-13
  EXPECT_EQ(wire[4 + 1 + 12 + 2], 0x00);           // length ext 13-13
  const std::size_t third = 4 + 1 + 12 + 3 + 13;
  EXPECT_EQ(wire[third], 0xed);                    // delta 278 (14), length 268 (13)
  EXPECT_EQ(wire[third + 1], 0x00);
  EXPECT_EQ(wire[third + 2], 278 - 269);
  EXPECT_EQ(wire[third + 3], 268 - 13);
  std::string error;
  auto parsed = parse_coap(view(wire), &error);
  ASSERT_TRUE(parsed) << error;
  ASSERT_EQ(parsed->body.options.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(parsed->body.options[i].number, options[i].number);
    EXPECT_EQ(parsed->body.options[i].value.size(), options[i].value.size());
  }
}

TEST(WireCoap, EncoderSortsOptionsStably) {
  const Bytes a = {'a'}, b = {'b'}, c = {'c'};
  const std::vector<CoapOption> options = {{11, view(a)}, {3, view(b)}, {11, view(c)}};
  Bytes out;
  encode_body(out, options, {});
  auto body = parse_body(view(out), nullptr);
  ASSERT_TRUE(body);
  ASSERT_EQ(body->options.size(), 3u);
  EXPECT_EQ(body->options[0].number, 3);
  EXPECT_EQ(text(body->options[1].value), "a");
  EXPECT_EQ(text(body->options[2].value), "c");
}

TEST(WireCoap, HeaderErrors) {
  EXPECT_NE(parse_error({0x40, 0x01, 0x00}).find("shorter than the 4-byte"), std::string::npos);
  EXPECT_NE(parse_error({0x80, 0x01, 0x00, 0x01}).find("version 2 at byte 0"), std::string::npos);
  for (std::uint8_t tkl = 9; tkl <= 15; ++tkl) {
    Bytes d = {static_cast<std::uint8_t>(0x40 | tkl), 0x01, 0x00, 0x01};
    d.resize(4 + 15, 0);
    EXPECT_NE(parse_error(d).find("token length " + std::to_string(tkl) + " at byte 0"), std::string::npos);
  }
  EXPECT_NE(parse_error({0x44, 0x01, 0x00, 0x01, 0xaa}).find("token of 4 bytes at byte 4"), std::string::npos);
  // RFC 7252 4.1: an Empty message is only the 4-byte header.
  EXPECT_NE(parse_error({0x60, 0x00, 0x00, 0x01, 0xff, 0x00}).find("Empty message"), std::string::npos);
  EXPECT_TRUE(parse_coap(Bytes{0x60, 0x00, 0x00, 0x01}, nullptr));
}

TEST(WireCoap, OptionErrors) {
  // Payload marker followed by nothing.
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0xb1, 'a', 0xff}).find("payload marker at byte 6"),
            std::string::npos);
  // Delta nibble 15 without length 15 (not a payload marker), and length nibble 15.
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0xf1, 'a'}).find("delta nibble 15"), std::string::npos);
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0x1f, 'a'}).find("length nibble 15"), std::string::npos);
  // Truncated extensions.
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0xd0}).find("truncated option delta extension at byte 5"),
            std::string::npos);
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0xe0, 0x01}).find("truncated option delta extension at byte 5"),
            std::string::npos);
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0x1e, 0x00}).find("truncated option length extension at byte 5"),
            std::string::npos);
  // Value longer than the message.
  EXPECT_NE(parse_error({0x40, 0x01, 0x00, 0x01, 0xb3, 'a'}).find("option 11 value of 3 bytes at byte 5"),
            std::string::npos);
  // Number above 65535: 65535 (delta 14 with ext 0xfef2) then delta 1.
  const std::string big = parse_error({0x40, 0x01, 0x00, 0x01, 0xe0, 0xfe, 0xf2, 0x10});
  EXPECT_NE(big.find("option number 65536 above 65535 at byte 7"), std::string::npos) << big;
  EXPECT_TRUE(parse_coap(Bytes{0x40, 0x01, 0x00, 0x01, 0xe0, 0xfe, 0xf2}, nullptr));
}

TEST(WireCoap, NoCrashOnAnyTruncation) {
  const Bytes wire = hex(rfc8613_vectors().at("C.6").at("protected_request"));
  for (std::size_t n = 0; n <= wire.size(); ++n) {
    std::string error;
    const auto m = parse_coap(ByteView(wire.data(), n), &error);
    EXPECT_EQ(m.has_value(), error.empty()) << n;
  }
}

TEST(WireCoap, CodeTexts) {
  EXPECT_EQ(code_text(1), "0.01");
  EXPECT_EQ(code_text(69), "2.05");
  EXPECT_EQ(code_text(163), "5.03");
  EXPECT_EQ(code_description(0), "Empty");
  EXPECT_EQ(code_description(1), "GET");
  EXPECT_EQ(code_description(2), "POST");
  EXPECT_EQ(code_description(5), "FETCH");
  EXPECT_EQ(code_description(7), "iPATCH");
  EXPECT_EQ(code_description(69), "2.05 Content");
  EXPECT_EQ(code_description(129), "4.01 Unauthorized");
  EXPECT_EQ(code_description(163), "5.03 Service Unavailable");
  EXPECT_EQ(code_description(31), "0.31");
  EXPECT_EQ(std::string(coap_type_name(CoapType::Ack)), "ACK");
}

}  // namespace
}  // namespace oidu
