// The link types the capture layer decodes; a fuzz input's first byte picks one, so the
// seed extractor and fuzz_link must agree on this table.
#pragma once
#include <array>

namespace oidu::fuzz {

inline constexpr std::array<int, 10> kLinkTypes = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};

}  // namespace oidu::fuzz
