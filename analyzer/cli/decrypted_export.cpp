#include "cli/decrypted_export.hpp"

#include <algorithm>
#include <filesystem>

#include "capture/udp_rewrite.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"

namespace oidu {
namespace {

// The Partial IV as the comment shows it: "PIV 0x05", or whose nonce a response used.
std::string piv_text(const MessageRecord& m) {
  if (!m.partial_iv.empty()) return "PIV 0x" + to_hex(m.partial_iv);
  if (m.request_frame) return "the request's PIV (frame " + std::to_string(*m.request_frame) + ")";
  return "no PIV";
}

}  // namespace

bool is_one_of(const std::string& output, const std::vector<std::string>& inputs) {
  std::error_code error;
  return std::any_of(inputs.begin(), inputs.end(), [&](const std::string& input) {
    return std::filesystem::equivalent(input, output, error);  // false (and `error`) if one is missing
  });
}

Bytes plain_coap_message(const MessageRecord& m) {
  CoapMessage plain;
  plain.type = m.type;
  plain.code = m.inner_code.value_or(m.code);
  plain.message_id = m.message_id;
  plain.token = ByteView(m.token.data(), m.token.size());
  auto& options = plain.body.options;
  for (const auto& o : m.inner_options) options.push_back({o.number, ByteView(o.value.data(), o.value.size())});
  const auto inner_has = [&](std::uint16_t number) {
    return std::any_of(m.inner_options.begin(), m.inner_options.end(),
                       [&](const OptionRecord& o) { return o.number == number; });
  };
  for (const auto& o : m.outer_options) {
    if (o.number == kOptOscore || inner_has(o.number)) continue;
    options.push_back({o.number, ByteView(o.value.data(), o.value.size())});
  }
  // Stable: options of one number keep their order.
  std::stable_sort(options.begin(), options.end(),
                   [](const CoapOption& a, const CoapOption& b) { return a.number < b.number; });
  plain.body.payload = ByteView(m.payload.data(), m.payload.size());
  return encode_coap(plain);
}

void DecryptedExport::begin_capture(int link_type) {
  interface_ = writer_.add_interface(link_type);
  records_ = 0;
}

void DecryptedExport::take(std::span<const Frame> frames) {
  for (const Frame& f : frames) {
    Queued q;
    if (!spare_.empty()) {
      q = std::move(spare_.back());
      spare_.pop_back();
    }
    q.frame = f;
    q.bytes.assign(f.data.begin(), f.data.end());
    q.frame.data = ByteView(q.bytes.data(), q.bytes.size());
    const std::size_t payload_at = f.is_udp ? static_cast<std::size_t>(f.udp_payload.data() - f.data.data()) : 0;
    q.frame.udp_payload = f.is_udp ? q.frame.data.subspan(payload_at, f.udp_payload.size()) : ByteView{};
    queue_.push_back(std::move(q));
  }
}

void DecryptedExport::pop_front() {
  // A few kept for reuse; the rest freed, so a burst leaves no big buffers behind.
  if (spare_.size() < 64) spare_.push_back(std::move(queue_.front()));
  queue_.pop_front();
}

void DecryptedExport::write_unchanged(const Queued& q) {
  writer_.write(interface_, q.frame.time_ns, q.frame.original_length, q.frame.data);
}

void DecryptedExport::write_decrypted(const Queued& q, const MessageRecord& m) {
  plain_ = plain_coap_message(m);
  std::string problem;
  if (!replace_udp_payload(q.frame, ByteView(plain_.data(), plain_.size()), rewritten_, &problem)) {
    ++unrewritable_;
    last_problem_ = "frame " + std::to_string(q.frame.number) + ": " + problem;
    return write_unchanged(q);
  }
  comment_ = "oscore-idu: decrypted with " + m.context + ", " + piv_text(m);
  const std::size_t original = q.frame.original_length + rewritten_.size() - q.frame.data.size();
  writer_.write(interface_, q.frame.time_ns, original, ByteView(rewritten_.data(), rewritten_.size()), comment_);
}

void DecryptedExport::on_message(const MessageRecord& m) {
  ++records_;
  // Records come in frame order: the frames before this one wait for no record.
  while (!queue_.empty() && queue_.front().frame.number < m.frame) {
    write_unchanged(queue_.front());
    pop_front();
  }
  if (!queue_.empty() && queue_.front().frame.number == m.frame) {
    if (m.status == DecryptStatus::Decrypted && m.inner_code) write_decrypted(queue_.front(), m);
    else write_unchanged(queue_.front());
    pop_front();
  }
  next_.on_message(m);
}

void DecryptedExport::settle(std::uint64_t coap_messages_seen) {
  if (records_ < coap_messages_seen) return;
  end_capture();
}

void DecryptedExport::end_capture() {
  while (!queue_.empty()) {
    write_unchanged(queue_.front());
    pop_front();
  }
}

}  // namespace oidu
