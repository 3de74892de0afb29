// Why OSCORE messages stayed closed. A failed verification is retried here with one part
// of the key entry changed at a time (ID Context, Master Salt, AEAD, HKDF, Secret and
// Salt exchanged): the variation that opens the request names the wrong field. Only the
// first failed request of each (context, kid) is tried, so this costs a few AEADs per run.
#include "cli/decryption_advice.hpp"

#include <algorithm>
#include <functional>

#include "core/cbor.hpp"
#include "core/context.hpp"

namespace oidu {
namespace {

constexpr std::size_t kMaxUnknownKids = 8;

std::string id_text(const Bytes& id) { return id.empty() ? "''" : to_hex(id); }

// Whether `material` opens the request `m` (its kid is the sender's ID, its Partial IV
// the nonce's; RFC 8613 5.2-5.4). Never throws: a variation may not fit the AEAD.
bool opens(const ContextMaterial& material, const MessageRecord& m) {
  const AeadInfo* alg = aead_by_id(material.aead);
  if (!alg || !m.kid || m.kid->size() > alg->nonce_len - 6 || m.partial_iv.empty()) return false;
  try {
    SecurityContext context(material);
    AeadInputs in;
    in.sender_id = *m.kid;
    in.nonce_id = *m.kid;
    in.nonce_piv = m.partial_iv;
    in.request_kid = *m.kid;
    in.request_piv = m.partial_iv;
    Bytes plaintext;
    return context.open(in, m.payload, plaintext);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

void DecryptionAdvice::note(Where& w, const MessageRecord& m) {
  if (w.count++ == 0) {
    w.first_frame = m.frame;
    w.capture = capture_;
    w.order = sightings_++;
  }
}

std::string DecryptionAdvice::where_text(const Where& w) const {
  std::string text = std::to_string(w.count) + (w.count == 1 ? " message" : " messages") + ", first frame " +
                     std::to_string(w.first_frame);
  if (!w.capture.empty()) text += " of " + w.capture;
  return text;
}

void DecryptionAdvice::on_context(const ContextRecord& c) {
  // An ID Context variant of a key entry fails or opens for that entry.
  if (c.origin.kind != ContextKind::IdContext) return;
  if (key_names_.empty()) {
    for (const KeyEntry& k : keys_) key_names_.insert(k.name);
  }
  if (key_names_.count(c.parent)) variant_of_[c.name] = c.parent;
}

void DecryptionAdvice::on_message(const MessageRecord& m) {
  if (!m.oscore || m.status == DecryptStatus::Duplicate || m.status == DecryptStatus::Malformed) return;
  ++oscore_;
  if (m.status == DecryptStatus::Decrypted) {
    if (m.context_id >= opened_in_capture_.size()) opened_in_capture_.resize(2 * (m.context_id + 1), false);
    if (!opened_in_capture_[m.context_id]) {
      opened_in_capture_[m.context_id] = true;
      opened_.insert(m.context);
    }
    return;
  }
  ++closed_;
  if (m.unopened == UnopenedReason::UnknownKid && m.kid) {
    note(unknown_kids_[{*m.kid, m.kid_context}], m);
    return;
  }
  if (m.unopened == UnopenedReason::VerificationFailed) {
    for (const std::string& name : m.tried_contexts) {
      const auto variant = variant_of_.find(name);
      Failure& failure = failures_[variant != variant_of_.end() ? variant->second : name];
      note(failure.where, m);
      if (failure.hint.empty()) failure.hint = m.hint;
      if (m.kind == MessageKind::Request) {
        ++failure.requests;
        if (m.kid) failure.kids.insert(*m.kid);
        // KUDOS messages are protected with CTX_TEMP, not with the key file's context.
        if (!failure.request && m.kid && !m.kudos) failure.request = m;
      } else {
        ++failure.responses;
      }
    }
    return;
  }
  // Responses to requests that stayed closed follow from those; the rest by reason.
  if (m.unopened == UnopenedReason::RequestNotOpened) return;
  note(other_reasons_[m.problem.empty() ? std::string(decrypt_status_name(m.status)) : m.problem], m);
}

std::string DecryptionAdvice::try_variations(const KeyEntry& key, const MessageRecord& request) const {
  const ContextMaterial& given = key.material;

  struct Variation {
    std::string verdict;
    std::function<void(ContextMaterial&)> change;
  };
  std::vector<Variation> variations;
  std::vector<std::optional<Bytes>> id_contexts{std::nullopt, Bytes{}};
  if (request.kid_context) {
    id_contexts.push_back(*request.kid_context);
    std::size_t used = 0;
    if (auto inner = cbor::read_bstr(*request.kid_context, used); inner && used == request.kid_context->size()) {
      id_contexts.emplace_back(Bytes(inner->begin(), inner->end()));
    }
  }
  for (const auto& idc : id_contexts) {
    if (idc == given.id_context) continue;
    const std::string shown = idc ? "ID Context " + id_text(*idc) : "no ID Context";
    variations.push_back({"it opens with " + shown + ": the ID Context is likely wrong",
                          [idc](ContextMaterial& m) { m.id_context = idc; }});
  }
  if (!given.master_salt.empty()) {
    variations.push_back({"it opens without the Master Salt: the Master Salt is likely wrong",
                          [](ContextMaterial& m) { m.master_salt.clear(); }});
  }
  variations.push_back({"it opens with Master Secret and Master Salt exchanged: the two are swapped",
                        [](ContextMaterial& m) { std::swap(m.master_secret, m.master_salt); }});
  for (const AeadInfo& a : all_aeads()) {
    if (a.cose_id == given.aead) continue;
    const int id = a.cose_id;
    variations.push_back({std::string("it opens with ") + a.name + ": the algorithm is likely wrong",
                          [id](ContextMaterial& m) { m.aead = id; }});
  }
  const HkdfHash other_hkdf = given.hkdf == HkdfHash::Sha256 ? HkdfHash::Sha512 : HkdfHash::Sha256;
  variations.push_back({std::string("it opens with ") + hkdf_name(other_hkdf) + ": the HKDF algorithm is likely wrong",
                        [other_hkdf](ContextMaterial& m) { m.hkdf = other_hkdf; }});

  for (const auto& v : variations) {
    ContextMaterial changed = given;
    v.change(changed);
    if (changed.master_secret.empty()) continue;
    if (opens(changed, request)) return v.verdict + " (tried on frame " + std::to_string(request.frame) + ")";
  }
  return "no change of ID Context, Master Salt or algorithm opens frame " + std::to_string(request.frame) +
                    ": the Master Secret or the Master Salt is likely wrong (or the peers used another context with these IDs)";
}

std::vector<std::string> DecryptionAdvice::lines() const {
  std::vector<std::string> out;
  if (closed_ == 0) return out;
  out.push_back(std::to_string(closed_) + " of " + std::to_string(oscore_) + " OSCORE messages could not be decrypted:");
  // Without keys the kids are still worth listing: they say which contexts to look for.
  if (keys_.empty()) out.push_back("  no key file was given: add one with -k FILE");
  // In the order they were first seen; a peer that changes its kid context on every
  // message (RFC 8613 B.2) would otherwise fill the screen.
  std::vector<std::pair<const Where*, std::string>> unknown;
  for (const auto& [id, where] : unknown_kids_) {
    std::string text = "  no key for kid " + id_text(id.first);
    if (id.second) text += " with kid context " + id_text(*id.second);
    unknown.emplace_back(&where, text + " (" + where_text(where) + ")");
  }
  std::sort(unknown.begin(), unknown.end(), [](const auto& a, const auto& b) { return a.first->order < b.first->order; });
  for (std::size_t i = 0; i < unknown.size() && i < kMaxUnknownKids; ++i) out.push_back(unknown[i].second);
  if (unknown.size() > kMaxUnknownKids) {
    out.push_back("  ... and " + std::to_string(unknown.size() - kMaxUnknownKids) + " more kids or kid contexts without a key");
  }
  std::map<std::string_view, const KeyEntry*> key_by_name;
  if (!failures_.empty()) {
    for (const KeyEntry& k : keys_) key_by_name.emplace(k.name, &k);
  }
  for (const auto& [name, failure] : failures_) {
    std::string text = "  " + name + " fails verification on ";
    std::string kids;
    for (const Bytes& kid : failure.kids) kids += (kids.empty() ? "" : ", ") + id_text(kid);
    if (failure.requests) text += std::to_string(failure.requests) + (failure.requests == 1 ? " request" : " requests");
    if (!kids.empty()) text += " (kid " + kids + ")";
    if (failure.requests && failure.responses) text += " and ";
    if (failure.responses) text += std::to_string(failure.responses) + (failure.responses == 1 ? " response" : " responses");
    text += ", first frame " + std::to_string(failure.where.first_frame);
    if (!failure.where.capture.empty()) text += " of " + failure.where.capture;
    // The engine's own reason beats a guess.
    if (!failure.hint.empty()) {
      text += ": " + failure.hint;
    } else if (failure.request) {
      const auto key = key_by_name.find(name);
      if (key != key_by_name.end()) {
        if (const std::string verdict = try_variations(*key->second, *failure.request); !verdict.empty())
          text += ": " + verdict;
      }
    }
    out.push_back(text);
  }
  for (const auto& [reason, where] : other_reasons_) out.push_back("  " + reason + " (" + where_text(where) + ")");
  // A key entry was used if it, or a context derived from it, opened something: derived
  // contexts are named after it ("k:1/id-update#1", "k:1/kudos#1/new", "k:1/idctx:ab").
  // The names that start with `name` follow it in the set's order.
  const std::set<std::string> opened(opened_.begin(), opened_.end());
  const auto used = [&](const std::string& name) {
    for (auto it = opened.lower_bound(name); it != opened.end() && it->compare(0, name.size(), name) == 0; ++it) {
      if (it->size() == name.size() || (*it)[name.size()] == '/') return true;
    }
    return false;
  };
  // Nothing opened with such an entry, so the engine never turned its IDs round: they
  // are as the key file has them.
  std::string idle;
  std::unordered_set<std::string_view> listed;  // two JSON entries may share a name
  for (const KeyEntry& k : keys_) {
    if (used(k.name) || !listed.insert(k.name).second) continue;
    const auto& id_context = k.material.id_context;
    idle += (idle.empty() ? "" : ", ") + k.name + " (Sender IDs " + id_text(k.client_id) + " and " +
            id_text(k.server_id) + (id_context ? ", ID Context " + id_text(*id_context) : "") + ")";
  }
  if (!idle.empty()) out.push_back("  key contexts that opened nothing: " + idle);
  return out;
}

}  // namespace oidu
