// Frames in groups: with thousands of contexts, almost every table entry and context a
// message needs is a cache miss, and each one depends on the one before (kid entry ->
// context slot -> security context -> key), so one message at a time
// the engine mostly waits for memory. Group prefetching walks those chains one level at
// a time for a whole group of frames, so the misses of the group overlap, and then
// processes the frames in order exactly as process() does: the output cannot change.
#include "analysis/engine.hpp"

namespace oidu {
namespace {

void load(const void* p) {
  if (p != nullptr) __builtin_prefetch(p);
}

// Every cache line of an object: a context slot (the engine reads its IDs, context and
// association) or an association (the trackers read its procedures, traffic history and
// switch watches, spread over a dozen lines).
template <typename T>
void load_all(const T* object) {
  const auto* bytes = reinterpret_cast<const char*>(object);
  for (std::size_t offset = 0; offset < sizeof(T); offset += 64) load(bytes + offset);
}

}  // namespace

void Engine::process_batch(std::span<const Frame> frames) {
  constexpr std::size_t kGroup = 16;
  for (std::size_t start = 0; start < frames.size(); start += kGroup) {
    const std::span<const Frame> group = frames.subspan(start, std::min(kGroup, frames.size() - start));
    std::array<ByteView, kGroup> kids{};
    std::array<bool, kGroup> has_kid{};
    std::array<const ContextSlot*, kGroup> slots{};
    std::array<const SecurityContext*, kGroup> contexts{};
    std::array<std::optional<ByteView>, kGroup> response_tokens{};
    std::array<const PendingRequest*, kGroup> requests{};

    // Level 1: the duplicate filter's slot, and the kid index entry of a request or the
    // exchange index slot of a response.
    for (std::size_t i = 0; i < group.size(); ++i) {
      const Frame& f = group[i];
      if (!f.is_udp) continue;
      const auto peek = peek_coap(f.udp_payload);
      if (!peek) continue;
      if (peek->code != 0) duplicates.prefetch(f.src, peek->type, peek->message_id);
      if (!peek->oscore) continue;
      if (peek->code >= 64) {
        exchanges.prefetch(f.dst, f.src, peek->token);
        response_tokens[i] = peek->token;
        continue;
      }
      if (peek->code > 31) continue;
      if (const auto option = parse_oscore_option(*peek->oscore, nullptr); option && option->kid) {
        kids[i] = *option->kid;
        has_kid[i] = true;
        store.prefetch(kids[i]);
      }
    }
    // Level 2: the slot a request with that kid is likely to open with; for a
    // response, its request.
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (has_kid[i]) {
        slots[i] = resolver.likely_slot(group[i].src, kids[i]);
        if (slots[i]) load_all(slots[i]);
      } else if (response_tokens[i]) {
        requests[i] = exchanges.hint(group[i].dst, group[i].src, *response_tokens[i]);
        load(requests[i]);
      }
    }
    // Level 2 and a half: the context slot of that request.
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (requests[i] == nullptr) continue;
      slots[i] = requests[i]->slot;
      if (slots[i]) load_all(slots[i]);
    }
    // Level 3: its security context, association and Sender IDs.
    for (std::size_t i = 0; i < group.size(); ++i) {
      const ContextSlot* s = slots[i];
      if (s == nullptr) continue;
      contexts[i] = s->context.get();
      load(contexts[i]);
      if (s->association) {
        load_all(s->association);  // with the trackers' state of it
      }
      load(s->client_id.data());
      load(s->server_id.data());
    }
    // Levels 4 and 5: the context's keys; at level 5 the nonce histories the context's
    // cache entry names.
    for (int step = 0; step < SecurityContext::kPrefetchSteps; ++step) {
      for (std::size_t i = 0; i < group.size(); ++i) {
        if (contexts[i]) contexts[i]->prefetch(step);
        if (step == 1 && slots[i]) NonceTracker::prefetch_histories(slots[i]->recent_nonces);
      }
    }
    for (const Frame& f : group) process(f);
  }
}

}  // namespace oidu
