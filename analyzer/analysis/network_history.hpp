// The network watch's state (network_watch.hpp): what each association showed on the
// network, and the switches to new IDs it watches.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capture/capture.hpp"
#include "core/bytes.hpp"

namespace oidu {

struct ContextSlot;

// The address pairs an association's messages used, the latest kCapacity of them: a flat
// list searched newest first, since a peer mostly keeps its last pair. A tree would chase a
// cold node for every message.
class AddressPairs {
 public:
  using Pair = std::pair<IpAddress, IpAddress>;
  static constexpr std::size_t kCapacity = 64;

  bool contains(const Pair& p) const {
    return std::find(pairs_.rbegin(), pairs_.rend(), p) != pairs_.rend();
  }
  // Adds `p` unless it is there already; a full list forgets its oldest pair.
  void insert(const Pair& p) {
    if (contains(p)) return;
    if (pairs_.size() == kCapacity) pairs_.erase(pairs_.begin());
    pairs_.push_back(p);
  }

 private:
  std::vector<Pair> pairs_;
};

// What one peer showed on the network under the IDs in use before a switch.
struct NetworkPeerTraffic {
  std::optional<IpAddress> ip;
  std::optional<MacAddress> mac;
  std::optional<std::uint64_t> last_piv;
  std::optional<std::uint16_t> last_mid;
  std::optional<Bytes> kid_context;     // last kid context it sent in clear
};
// One switch from old IDs (CTX_A) to new IDs (CTX_B).
struct NetworkSwitch {
  std::uint32_t procedure = 0;
  const ContextSlot* old_slot = nullptr;
  const ContextSlot* new_slot = nullptr;
  AddressPairs old_pairs, new_pairs;
  std::array<NetworkPeerTraffic, 2> before;
  std::array<bool, 2> seen_new{false, false};
  std::array<bool, 2> seen_new_mid{false, false};
  std::set<std::uint64_t> old_tokens;   // fingerprints of tokens used under the old IDs
  bool switched = false;
  std::set<std::string> reported;       // "<code>/<detail>": each leak once
};
// Network history of an association under all its IDs so far, bounded.
struct NetworkHistory {
  std::array<NetworkPeerTraffic, 2> traffic;
  AddressPairs pairs;
  // Fingerprints of the latest tokens: a fixed ring, so the cost per association is
  // the same however long it talks.
  std::array<std::uint64_t, 16> recent_tokens{};
  std::size_t next_token = 0;
  std::vector<std::unique_ptr<NetworkSwitch>> switches;
};

}  // namespace oidu
