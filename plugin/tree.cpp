#include "tree.hpp"

#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analysis/finding_catalogue.hpp"
#include "fields.hpp"
#include "wire/coap.hpp"
#include "wire/option_registry.hpp"
#include "wire/oscore_option.hpp"

namespace oidu_plugin {
namespace {

using oidu::ByteView;

// A buffer shown in the tree and the tvb that holds it, so that a view into the buffer
// (as the wire parsers return them) can be turned into a highlighted byte range.
struct Source {
  tvbuff_t* tvb = nullptr;
  const guint8* base = nullptr;
  int offset = 0;  // of `base` in `tvb`
  int length = 0;

  // Where `part` lies; a zero-length range at the start if it is not inside.
  std::pair<int, int> locate(ByteView part) const {
    if (base != nullptr && !part.empty() && part.data() >= base &&
        part.data() + part.size() <= base + length) {
      return {offset + static_cast<int>(part.data() - base), static_cast<int>(part.size())};
    }
    return {offset, 0};
  }
  // From the end of `previous` (or `start`) to the end of `value`: one option with its header.
  std::pair<int, int> span_to_end(const guint8* from, ByteView value) const {
    const guint8* end = value.data() + value.size();
    if (base == nullptr || from < base || end > base + length || end < from) return {offset, 0};
    return {offset + static_cast<int>(from - base), static_cast<int>(end - from)};
  }
};

const guint8* bytes_or_empty(ByteView b) {
  static const guint8 empty = 0;
  return b.empty() ? &empty : b.data();
}

proto_item* add_bytes(proto_tree* tree, int field, const Source& src, ByteView where,
                      ByteView value) {
  auto [off, len] = src.locate(where);
  return proto_tree_add_bytes(tree, field, src.tvb, off, len, bytes_or_empty(value));
}

proto_item* add_generated_string(proto_tree* tree, int field, tvbuff_t* tvb, std::string_view s) {
  // Wireshark copies the value; it only needs the terminating NUL a view does not promise.
  const std::string text(s);
  proto_item* item = proto_tree_add_string(tree, field, tvb, 0, 0, text.c_str());
  proto_item_set_generated(item);
  return item;
}

const oidu::CoapOption* find_option(const std::optional<oidu::CoapMessage>& coap,
                                    std::uint16_t number) {
  return coap ? coap->body.find(number) : nullptr;
}

void add_oscore_option(proto_tree* tree, const Source& src,
                       const std::optional<oidu::CoapMessage>& coap, const StoredMessage& m) {
  const oidu::CoapOption* wire_option = find_option(coap, oidu::kOptOscore);
  std::optional<oidu::OscoreOption> wire;
  if (wire_option != nullptr) {
    std::string ignored;
    wire = oidu::parse_oscore_option(wire_option->value, &ignored);
  }
  const ByteView option_value = wire_option ? wire_option->value : ByteView{};
  proto_item* item = add_bytes(tree, hf.option, src, option_value, option_value);
  proto_tree* sub = proto_item_add_subtree(item, ett.option);

  if (!m.partial_iv.empty()) {
    add_bytes(sub, hf.piv, src, wire ? wire->partial_iv : ByteView{}, m.partial_iv);
  }
  if (m.kid_context) {
    add_bytes(sub, hf.kid_context, src, wire && wire->kid_context ? *wire->kid_context : ByteView{},
              *m.kid_context);
  }
  if (m.kudos) {
    const auto& k = *m.kudos;
    auto [x_off, x_len] = wire && wire->kudos && !wire->nonce.empty()
                              ? std::pair<int, int>{src.locate(wire->nonce).first - 1, 1}
                              : std::pair<int, int>{src.offset, 0};
    // 'd' is the lowest bit of the option's second flag byte.
    auto [d_off, d_len] = wire && wire->extension1 && wire_option->value.size() > 1
                              ? std::pair<int, int>{src.locate(wire_option->value).first + 1, 1}
                              : std::pair<int, int>{src.offset, 0};
    proto_tree_add_boolean(sub, hf.kudos, src.tvb, d_off, d_len, TRUE);
    proto_item* x_item = proto_tree_add_uint(sub, hf.kudos_x, src.tvb, x_off, x_len, k.x);
    proto_tree* x_tree = proto_item_add_subtree(x_item, ett.kudos_x);
    proto_tree_add_boolean(x_tree, hf.kudos_z, src.tvb, x_off, x_len, k.x);
    proto_tree_add_boolean(x_tree, hf.kudos_b, src.tvb, x_off, x_len, k.x);
    proto_tree_add_boolean(x_tree, hf.kudos_p, src.tvb, x_off, x_len, k.x);
    proto_tree_add_uint(x_tree, hf.kudos_m, src.tvb, x_off, x_len, k.x);
    add_bytes(sub, hf.kudos_nonce, src, wire ? wire->nonce : ByteView{}, k.nonce);
    if (k.derivation) {
      add_generated_string(sub, hf.kudos_derivation, src.tvb,
                           oidu::kudos_derivation_name(*k.derivation));
    }
  }
  if (m.kid) add_bytes(sub, hf.kid, src, wire && wire->kid ? *wire->kid : ByteView{}, *m.kid);
}

// Recipient-ID / Recipient-ID-Ack as options of the outer message (the engine flags them).
void add_outer_id_options(proto_tree* tree, const Source& src,
                          const std::optional<oidu::CoapMessage>& coap,
                          const StoredMessage& m) {
  for (const auto& o : m.outer_id_options) {
    const oidu::CoapOption* wire = find_option(coap, o.number);
    proto_item* item = add_bytes(
        tree, o.number == oidu::kOptRecipientId ? hf.recipient_id : hf.recipient_id_ack, src,
        wire ? wire->value : ByteView{}, o.value);
    proto_item_append_text(item, " (outer option, not protected by OSCORE)");
  }
}

// "GET (0.01)", "2.05 Content": the number once, the name if there is one.
std::string code_label(std::uint8_t code) {
  const std::string text = oidu::code_text(code);
  const std::string description = oidu::code_description(code);
  if (description.empty() || description == text) return text;
  if (description.rfind(text, 0) == 0) return description;
  return description + " (" + text + ")";
}

void add_inner_message(proto_tree* tree, tvbuff_t* parent, packet_info* pinfo,
                       const StoredMessage& m) {
  const ByteView plain = m.plaintext;
  // A copy that lives as long as the tvb: the store is emptied when preferences change or
  // the file is closed, which may happen while the GUI still shows this tree.
  auto* data = static_cast<guint8*>(wmem_alloc(pinfo->pool, plain.size()));
  if (!plain.empty()) std::memcpy(data, plain.data(), plain.size());
  const auto size = static_cast<guint>(plain.size());
  tvbuff_t* tvb = tvb_new_child_real_data(parent, data, size, static_cast<gint>(size));
  add_new_data_source(pinfo, tvb, "Decrypted OSCORE");

  Source src{tvb, data, 0, static_cast<int>(size)};
  std::string error;
  const auto parsed = oidu::parse_inner(ByteView(data, size), &error);

  proto_item* inner_item = proto_tree_add_item(tree, hf.inner, tvb, 0, -1, ENC_NA);
  proto_tree* inner = proto_item_add_subtree(inner_item, ett.inner);
  proto_tree_add_uint_format_value(inner, hf.inner_code, tvb, 0, 1, *m.inner_code, "%s",
                                   code_label(*m.inner_code).c_str());
  if (!parsed) {
    proto_tree_add_string(inner, hf.problem, tvb, 0, 0, error.c_str());
    return;
  }
  const guint8* option_start = data + 1;
  for (const auto& o : parsed->body.options) {
    const std::string name = oidu::option_name(o.number);
    const std::string text = name + ": " + oidu::option_value_text(o.number, o.value);
    auto [off, len] = src.span_to_end(option_start, o.value);
    proto_item* item = proto_tree_add_string(inner, hf.inner_option, tvb, off, len, text.c_str());
    proto_tree* opt = proto_item_add_subtree(item, ett.inner_option);
    proto_tree_add_uint(opt, hf.inner_option_number, tvb, off, len, o.number);
    proto_tree_add_string(opt, hf.inner_option_name, tvb, off, len, name.c_str());
    add_bytes(opt, hf.inner_option_value, src, o.value, o.value);
    if (o.number == oidu::kOptRecipientId) add_bytes(opt, hf.recipient_id, src, o.value, o.value);
    if (o.number == oidu::kOptRecipientIdAck) {
      add_bytes(opt, hf.recipient_id_ack, src, o.value, o.value);
    }
    option_start = o.value.data() + o.value.size();
  }
  if (!parsed->body.payload.empty()) {
    add_bytes(inner, hf.payload, src, parsed->body.payload, parsed->body.payload);
  }
}

void add_procedure(proto_tree* tree, tvbuff_t* tvb, const StoredMessage& m,
                   const CaptureState& state) {
  proto_item* item = proto_tree_add_uint(tree, hf.procedure, tvb, 0, 0, *m.procedure);
  proto_item_set_generated(item);
  proto_tree* sub = proto_item_add_subtree(item, ett.procedure);
  if (!m.role.empty()) add_generated_string(sub, hf.role, tvb, m.role);
  if (!m.peer_states.empty()) add_generated_string(sub, hf.peer_states, tvb, m.peer_states);
  const oidu::ProcedureRecord* p = state.procedure(*m.procedure);
  if (p == nullptr) {
    // Procedures are reported when they end; the first pass has not reached that yet.
    proto_item_append_text(item, " (in progress; its outcome is known after the first pass)");
    return;
  }
  const char* type = oidu::procedure_type_name(p->type);
  const char* mode = oidu::procedure_mode_name(p->mode);
  const char* outcome = oidu::outcome_name(p->outcome);
  proto_item_append_text(item, " (%s, %s, %s)", type, mode, outcome);
  add_generated_string(sub, hf.procedure_type, tvb, type);
  add_generated_string(sub, hf.procedure_outcome, tvb, outcome);
  add_generated_string(sub, hf.procedure_mode, tvb, mode);
  add_generated_string(sub, hf.procedure_initiator, tvb, oidu::initiator_name(p->initiator));
  proto_item_set_generated(proto_tree_add_uint(sub, hf.procedure_first, tvb, 0, 0,
                                               static_cast<guint32>(p->first_frame)));
  proto_item_set_generated(proto_tree_add_uint(sub, hf.procedure_last, tvb, 0, 0,
                                               static_cast<guint32>(p->last_frame)));
  if (!p->new_context.empty()) {
    add_generated_string(sub, hf.procedure_new_context, tvb, p->new_context);
  }
}

bool worth_showing(const StoredMessage& m) {
  return m.status != oidu::DecryptStatus::NotOscore || m.procedure || !m.outer_id_options.empty();
}

void add_message(proto_tree* tree, tvbuff_t* frame_tvb, packet_info* pinfo, const Source& src,
                 const std::optional<oidu::CoapMessage>& coap, const StoredMessage& m,
                 const CaptureState& state) {
  add_generated_string(tree, hf.status, src.tvb, oidu::decrypt_status_name(m.status));
  if (!m.problem.empty()) add_generated_string(tree, hf.problem, src.tvb, m.problem);
  if (m.oscore) add_oscore_option(tree, src, coap, m);
  add_outer_id_options(tree, src, coap, m);
  if (!m.context.empty()) add_generated_string(tree, hf.context, src.tvb, m.context);
  if (!m.context_origin.empty()) {
    add_generated_string(tree, hf.context_origin, src.tvb, m.context_origin);
  }
  if (m.request_frame) {
    proto_item_set_generated(proto_tree_add_uint(tree, hf.request_in, src.tvb, 0, 0,
                                                 static_cast<guint32>(*m.request_frame)));
  }
  if (m.status == oidu::DecryptStatus::Decrypted && m.inner_code) {
    add_inner_message(tree, frame_tvb, pinfo, m);
  }
  if (m.procedure) add_procedure(tree, src.tvb, m, state);
}

void add_findings(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo,
                  std::span<const oidu::Finding> findings) {
  proto_item* item = proto_tree_add_item(tree, hf.findings, tvb, 0, 0, ENC_NA);
  proto_item_set_generated(item);
  proto_item_append_text(item, ": %zu", findings.size());
  proto_tree* sub = proto_item_add_subtree(item, ett.findings);
  for (const auto& f : findings) {
    const char* name = oidu::finding_name(f.code);
    proto_item* fi = add_generated_string(sub, hf.finding, tvb, name);
    std::string text = name + (": " + f.message);
    if (f.procedure) text += " (procedure " + std::to_string(*f.procedure) + ")";
    expert_add_info_format(pinfo, fi, expert_for(f.code), "%s", text.c_str());
  }
}

void add_info_column(packet_info* pinfo, const FrameResults& r) {
  std::string info;
  for (const auto& m : r.messages) {
    if (m.procedure) {
      info += " #" + std::to_string(*m.procedure);
      if (!m.role.empty()) {
        info += ' ';
        info += m.role;
      }
    }
  }
  for (const auto& f : r.findings) {
    info += ' ';
    info += oidu::finding_name(f.code);
  }
  if (!info.empty()) col_append_fstr(pinfo->cinfo, COL_INFO, " [IDU:%s]", info.c_str());
}

}  // namespace

void add_frame_tree(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const FrameInput& in,
                    const CaptureState& state) {
  const FrameResults r = state.results(pinfo->num);
  const bool not_analyzed = state.finished() && in.usable && pinfo->num > state.last_fed();
  bool show = not_analyzed || !r.findings.empty() || !r.diagnostics.empty();
  for (const auto& m : r.messages) show = show || worth_showing(m);
  if (!show) return;

  Source src{tvb, nullptr, 0, 0};
  std::optional<oidu::CoapMessage> coap;
  if (in.coap_tvb != nullptr) {
    src = Source{in.coap_tvb, tvb_get_ptr(in.coap_tvb, in.coap_offset, in.coap_length),
                 in.coap_offset, in.coap_length};
    std::string ignored;
    coap = oidu::parse_coap(ByteView(src.base, static_cast<std::size_t>(src.length)), &ignored);
  }
  proto_item* root =
      proto_tree_add_item(tree, hf.proto, src.tvb, src.offset, src.length, ENC_NA);
  proto_tree* sub = proto_item_add_subtree(root, ett.main);
  if (not_analyzed) expert_add_info(pinfo, root, expert_not_analyzed());

  for (const auto& m : r.messages) add_message(sub, tvb, pinfo, src, coap, m, state);
  if (!r.findings.empty()) add_findings(sub, src.tvb, pinfo, r.findings);
  for (const auto& d : r.diagnostics) {
    expert_add_info_format(pinfo, root, expert_diagnostic(), "%s", d.c_str());
  }
  add_info_column(pinfo, r);
}

}  // namespace oidu_plugin
