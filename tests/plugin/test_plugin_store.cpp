// The plugin's packed per-frame store gives back what the engine reported: every record of
// every shipped capture, and the corner cases those do not reach.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "keys/keys.hpp"
#include "message_store.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace {

namespace fs = std::filesystem;
using oidu_plugin::MessageStore;
using oidu_plugin::StoredMessage;

oidu::Bytes bytes_of(oidu::ByteView v) { return oidu::Bytes(v.begin(), v.end()); }

// Every field the tree reads, compared with the record it came from.
void expect_same(const oidu::MessageRecord& m, const StoredMessage& s) {
  SCOPED_TRACE("frame " + std::to_string(m.frame));
  EXPECT_EQ(s.status, m.status);
  EXPECT_EQ(s.problem, m.problem);
  EXPECT_EQ(s.oscore, m.oscore);
  EXPECT_EQ(bytes_of(s.partial_iv), m.partial_iv);
  ASSERT_EQ(s.kid.has_value(), m.kid.has_value());
  if (m.kid) {
    EXPECT_EQ(bytes_of(*s.kid), *m.kid);
  }
  ASSERT_EQ(s.kid_context.has_value(), m.kid_context.has_value());
  if (m.kid_context) {
    EXPECT_EQ(bytes_of(*s.kid_context), *m.kid_context);
  }
  ASSERT_EQ(s.kudos.has_value(), m.kudos.has_value());
  if (m.kudos) {
    EXPECT_EQ(s.kudos->x, m.kudos->x);
    EXPECT_EQ(bytes_of(s.kudos->nonce), m.kudos->nonce);
    EXPECT_EQ(s.kudos->derivation, m.kudos->derivation);
  }
  std::vector<oidu::OptionRecord> id_options;
  for (const auto& o : m.outer_options) {
    if (o.number == oidu::kOptRecipientId || o.number == oidu::kOptRecipientIdAck) {
      id_options.push_back(o);
    }
  }
  ASSERT_EQ(s.outer_id_options.size(), id_options.size());
  for (std::size_t i = 0; i < id_options.size(); ++i) {
    EXPECT_EQ(s.outer_id_options[i].number, id_options[i].number);
    EXPECT_EQ(bytes_of(s.outer_id_options[i].value), id_options[i].value);
  }
  EXPECT_EQ(s.context, m.context);
  EXPECT_EQ(s.context_origin, m.context_origin ? oidu::context_origin_name(*m.context_origin) : "");
  EXPECT_EQ(s.request_frame, m.request_frame);
  EXPECT_EQ(s.inner_code, m.inner_code);
  EXPECT_EQ(s.procedure, m.procedure);
  EXPECT_EQ(s.role, oidu::message_role_name(m.role));
  EXPECT_EQ(s.peer_states, m.peer_states ? oidu::peer_states_text(*m.peer_states) : "");

  // The stored plaintext, parsed as the tree parses it, is the decrypted inner message.
  if (m.status != oidu::DecryptStatus::Decrypted || !m.inner_code) {
    EXPECT_TRUE(s.plaintext.empty());
    return;
  }
  std::string error;
  const auto inner = oidu::parse_inner(s.plaintext, &error);
  ASSERT_TRUE(inner) << error;
  EXPECT_EQ(inner->code, *m.inner_code);
  ASSERT_EQ(inner->body.options.size(), m.inner_options.size());
  for (std::size_t i = 0; i < m.inner_options.size(); ++i) {
    EXPECT_EQ(inner->body.options[i].number, m.inner_options[i].number);
    EXPECT_EQ(bytes_of(inner->body.options[i].value), m.inner_options[i].value);
  }
  EXPECT_EQ(bytes_of(inner->body.payload), m.payload);
}

class Collect : public oidu::EventSink {
 public:
  void on_message(const oidu::MessageRecord& m) override { records.push_back(m); }
  std::vector<oidu::MessageRecord> records;
};

// The key file next to a capture, as the plugin tests use it.
std::string keys_for(const fs::path& capture) {
  fs::path json = capture;
  json.replace_extension(".keys.json");
  if (fs::exists(json)) return json.string();
  fs::path table = capture;
  table.replace_extension(".oscore_contexts");
  return fs::exists(table) ? table.string() : std::string();
}

TEST(MessageStore, EveryRecordOfTheShippedCaptures) {
  std::size_t decrypted = 0, kudos = 0, procedures = 0, outer_ids = 0;
  for (const char* dir : {"captures", "captures/third-party"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(OIDU_SOURCE_DIR) / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".pcap" && ext != ".pcapng") continue;
      SCOPED_TRACE(entry.path().string());
      std::vector<oidu::KeyEntry> keys;
      if (const std::string k = keys_for(entry.path()); !k.empty()) {
        keys = oidu::load_key_file(k).entries;
      }
      Collect sink;
      oidu::Analyzer analyzer({}, std::move(keys), sink);
      std::string error;
      auto reader = oidu::CaptureReader::open(entry.path().string(), &error);
      ASSERT_TRUE(reader) << error;
      oidu::Frame frame;
      while (reader->next(frame)) analyzer.process(frame);
      analyzer.finish();

      MessageStore store;
      for (const auto& m : sink.records) store.add(m);
      std::size_t next = 0;
      while (next < sink.records.size()) {
        const std::uint64_t number = sink.records[next].frame;
        const std::vector<StoredMessage> stored = store.messages(number);
        ASSERT_FALSE(stored.empty());
        for (const auto& s : stored) {
          ASSERT_LT(next, sink.records.size());
          ASSERT_EQ(sink.records[next].frame, number);
          expect_same(sink.records[next++], s);
          decrypted += s.status == oidu::DecryptStatus::Decrypted ? 1 : 0;
          kudos += s.kudos ? 1 : 0;
          procedures += s.procedure ? 1 : 0;
          outer_ids += s.outer_id_options.size();
        }
      }
    }
  }
  // The captures exercise every part of a record.
  EXPECT_GT(decrypted, 0u);
  EXPECT_GT(kudos, 0u);
  EXPECT_GT(procedures, 0u);
  EXPECT_GT(outer_ids, 0u);
}

oidu::MessageRecord full_record(std::uint64_t frame) {
  oidu::MessageRecord m;
  m.frame = frame;
  m.status = oidu::DecryptStatus::Decrypted;
  m.oscore = true;
  m.kid = oidu::Bytes{};  // present but empty: not the same as absent
  m.kid_context = oidu::Bytes{0xaa, 0xbb};
  m.partial_iv = {0x01, 0x02};
  m.kudos = oidu::KudosRecord{0x47, {1, 2, 3, 4, 5, 6, 7, 8}, oidu::KudosDerivation::Draft07Style};
  m.outer_options = {{oidu::kOptOscore, {0x09}},
                     {oidu::kOptRecipientId, {0x42}},
                     {oidu::kOptRecipientIdAck, {}}};
  m.context = "ctx";
  m.context_origin = oidu::ContextOrigin{oidu::ContextKind::KudosNew, 1, {}};
  m.request_frame = frame > 1 ? frame - 1 : 0;
  m.inner_code = 0x45;
  m.inner_options = {{11, {'a'}}, {oidu::kOptRecipientId, {0x78}}, {2000, oidu::Bytes(300, 0x5a)}};
  m.payload = {'h', 'i'};
  m.procedure = 0;  // present, with the smallest value
  m.role = oidu::MessageRole::Offer;
  m.peer_states = std::array<oidu::PeerState, 2>{};
  (*m.peer_states)[0].kudos = oidu::KudosState::Busy;
  (*m.peer_states)[1].kudos = oidu::KudosState::Idle;
  m.problem = "retransmission of frame 1";
  return m;
}

TEST(MessageStore, AbsentAndEmptyPartsStayApart) {
  MessageStore store;
  const oidu::MessageRecord full = full_record(1);
  oidu::MessageRecord plain;
  plain.frame = 2;
  oidu::MessageRecord failed = full_record(3);
  failed.status = oidu::DecryptStatus::Failed;  // an inner code but nothing to show inside
  store.add(full);
  store.add(plain);
  store.add(failed);
  expect_same(full, store.messages(1).at(0));
  expect_same(plain, store.messages(2).at(0));
  expect_same(failed, store.messages(3).at(0));
  EXPECT_TRUE(store.messages(4).empty());
  EXPECT_TRUE(store.messages(0).empty());
}

TEST(MessageStore, SeveralMessagesPerFrameInTheOrderAdded) {
  MessageStore store;
  oidu::MessageRecord a = full_record(7), b = full_record(7), late = full_record(5);
  b.role = oidu::MessageRole::Ack;
  store.add(a);
  store.add(b);
  store.add(late);  // out of frame order: still found
  const auto seven = store.messages(7);
  ASSERT_EQ(seven.size(), 2u);
  expect_same(a, seven[0]);
  expect_same(b, seven[1]);
  ASSERT_EQ(store.messages(5).size(), 1u);
  expect_same(late, store.messages(5)[0]);
}

TEST(MessageStore, EarlierRecordsSurviveManyBlocks) {
  MessageStore store;
  oidu::MessageRecord huge = full_record(1);
  huge.payload.assign(3u << 20, 0x11);  // larger than an arena block
  store.add(huge);
  const StoredMessage first = store.messages(1).at(0);
  for (std::uint64_t f = 2; f <= 20000; ++f) store.add(full_record(f));
  expect_same(huge, first);  // views taken before are still valid
  expect_same(huge, store.messages(1).at(0));
  expect_same(full_record(12345), store.messages(12345).at(0));
  store.clear();
  EXPECT_TRUE(store.messages(1).empty());
}

}  // namespace
