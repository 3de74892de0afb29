// The CLI's own fast formatters against the functions whose text they reproduce:
// format_time, Endpoint::to_string, code_text, and for a message's options the JSON
// string that nlohmann gives option_name / option_value_text.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "cli/json_writer.hpp"
#include "cli/text_append.hpp"
#include "cli/text_layout.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

// What an Appender leaves after "x", the text already there.
template <typename Append>
std::string appended(Append append) {
  std::string out = "x";
  {
    Appender appender(out);
    append(appender);
  }
  return out.substr(1);
}

std::string appended_time(std::int64_t t) {
  return appended([&](Appender& a) { append_time(a, t); });
}

TEST(CliFormatters, TimeAsFormatTime) {
  std::mt19937_64 rng(1);
  std::vector<std::int64_t> times = {0, -1, 1, 999999, 1000000, -1000000, -1000001, 951782400000000,
                                     // 0001-01-01, 9999-12-31T23:59:59.999999 and beyond
                                     -62135596800000000, -62135596800000001, 253402300799999999,
                                     253402300800000000, std::numeric_limits<std::int64_t>::min(),
                                     std::numeric_limits<std::int64_t>::max()};
  std::uniform_int_distribution<std::int64_t> any(-70000000000000000, 260000000000000000);
  for (int i = 0; i < 200000; ++i) times.push_back(any(rng));
  for (const auto t : times) {
    const std::string iso = format_time(t);
    ASSERT_EQ(appended_time(t), iso) << t;
    const std::string clock = appended([&](Appender& a) { append_clock_time(a, t); });
    if (const auto at = iso.find('T'); at != std::string::npos) {
      ASSERT_EQ(clock, iso.substr(at + 1, iso.size() - at - 2)) << t;
    }
  }
}

// Text far beyond the Appender's first chunk, in pieces of every size, and numbers at
// the edge of their width: the cursor grows and nothing is lost or left over.
TEST(CliFormatters, AppenderGrowsAndKeepsExactlyItsText) {
  std::string want = "prefix";
  std::string got = want;
  {
    Appender a(got);
    for (std::size_t n = 0; n < 3000; n += 7) {
      const std::string piece(n, static_cast<char>('a' + n % 26));
      a.put(piece);
      want += piece;
      append_uint(a, std::numeric_limits<std::uint64_t>::max() - n);
      want += std::to_string(std::numeric_limits<std::uint64_t>::max() - n);
      a.put(',');
      want += ',';
    }
  }
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(got, want);
}

TEST(CliFormatters, EndpointAsToString) {
  std::mt19937 rng(2);
  auto byte = [&] { return static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng()); };
  for (int i = 0; i < 100000; ++i) {
    Endpoint e;
    e.ip.version = i % 3 == 0 ? 4 : 6;
    for (auto& b : e.ip.bytes) b = byte();
    if (i % 7 == 0) {  // IPv4-mapped and -compatible forms
      e.ip.bytes.fill(0);
      if (i % 2) e.ip.bytes[10] = e.ip.bytes[11] = 0xff;
      for (std::size_t k = 12; k < 16; ++k) e.ip.bytes[k] = byte();
    }
    e.port = static_cast<std::uint16_t>(rng());
    ASSERT_EQ(appended([&](Appender& a) { append_endpoint(a, e); }), e.to_string());
  }
}

TEST(CliFormatters, CodeAsCodeText) {
  for (unsigned c = 0; c < 256; ++c) {
    ASSERT_EQ(appended([&](Appender& a) { append_code(a, static_cast<std::uint8_t>(c)); }),
              code_text(static_cast<std::uint8_t>(c)));
  }
}

// Options with any number and any bytes: registered string, uint and opaque options and
// unknown ones, values with quotes, backslashes, control bytes, valid and broken UTF-8.
TEST(CliFormatters, OptionsAsNlohmann) {
  std::mt19937 rng(3);
  const std::vector<std::uint16_t> numbers = {1, 3, 5, 6, 8, 11, 12, 15, 20, 24, 28, 35, 39, 60, 252, 292, 2049, 99, 65000};
  const std::vector<std::uint8_t> alphabet = {'a', 'Z', '"', '\\', '/', 0x00, 0x0a, 0x1f, 0x7f, 0x80,
                                              0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0xff};
  for (int i = 0; i < 20000; ++i) {
    MessageRecord m;
    auto& options = i % 2 ? m.outer_options : m.inner_options;
    if (i % 2 == 0) m.inner_code = 0x45;
    const auto count = static_cast<unsigned>(rng() % 4);
    for (unsigned k = 0; k < count; ++k) {
      OptionRecord o;
      o.number = numbers[rng() % numbers.size()];
      const auto length = static_cast<unsigned>(rng() % (k == 0 ? 12 : 4));
      for (unsigned n = 0; n < length; ++n) o.value.push_back(alphabet[rng() % alphabet.size()]);
      options.push_back(o);
    }
    nlohmann::ordered_json want = nlohmann::ordered_json::array();
    for (const auto& o : options) {
      want.push_back({{"number", o.number}, {"name", option_name(o.number)}, {"value", option_value_text(o.number, o.value)}});
    }
    const std::string want_text = want.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    std::string got;
    append_json(got, m);
    const std::string key = i % 2 ? "\"outer_options\":" : "\"options\":";
    const auto at = got.find(key);
    ASSERT_NE(at, std::string::npos);
    ASSERT_EQ(got.substr(at + key.size(), want_text.size()), want_text);
    // And the whole message is JSON that parses.
    ASSERT_TRUE(nlohmann::json::accept(got)) << got;
  }
}

}  // namespace
}  // namespace oidu

// The text report's layout helpers (text_layout.hpp).
namespace oidu {
namespace {

TEST(TextLayout, WidthCountsCodePointsNotBytesOrColourCodes) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("a…b"), 3u);
  EXPECT_EQ(display_width("\x1b[31merror\x1b[0m"), 5u);
}

TEST(TextLayout, ShortenCutsToTheWidthWithAnEllipsis) {
  EXPECT_EQ(shorten("abcdef", 6), "abcdef");
  EXPECT_EQ(shorten("abcdefg", 6), "abcde…");
  EXPECT_EQ(display_width(shorten("ä…äöüäöü", 4)), 4u);
  EXPECT_EQ(shorten_middle("multi-pair.oscore_contexts:1", 10), "multi…ts:1");
  EXPECT_EQ(display_width(shorten_middle("multi-pair.oscore_contexts:1", 11)), 11u);
}

TEST(TextLayout, WrapBreaksAtSpacesAndIndentsContinuations) {
  EXPECT_EQ(wrap("one two three", 9, 2), "one two\n  three");
  EXPECT_EQ(wrap("   kept  spaces", 40, 0), "   kept  spaces");
  const std::string wrapped = wrap("a verylongwordthatdoesnotfit end", 10, 2);
  for (std::size_t at = 0, end; at < wrapped.size(); at = end + 1) {
    end = wrapped.find('\n', at);
    if (end == std::string::npos) end = wrapped.size();
    EXPECT_LE(display_width(std::string_view(wrapped).substr(at, end - at)), 10u) << wrapped;
  }
}

TEST(TextLayout, CountsTakeThePluralTheyNeed) {
  EXPECT_EQ(count_of(0, "finding"), "0 findings");
  EXPECT_EQ(count_of(1, "finding"), "1 finding");
  EXPECT_EQ(count_of(2, "CoAP message"), "2 CoAP messages");
  EXPECT_EQ(count_of(3, "index", "indices"), "3 indices");
}

TEST(TextLayout, ColourOnlyWhenAskedAndPaddingOutsideIt) {
  EXPECT_EQ(coloured("error", false, 8), "error   ");
  EXPECT_EQ(coloured("error", true, 8), "\x1b[31merror\x1b[0m   ");
  EXPECT_EQ(coloured("incomplete", true), "incomplete");
  EXPECT_TRUE(colour_wanted("always"));
  EXPECT_FALSE(colour_wanted("never"));
}

}  // namespace
}  // namespace oidu
