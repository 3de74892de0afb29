// Objects the process frees by exiting. The engine's state for 100,000 contexts is
// millions of small blocks: freeing them one by one just before the process ends cost a
// tenth of a short run. Only for what lives until the command returns to main().
#pragma once
#include <memory>
#include <vector>

namespace oidu {

// Keeps `object` alive until the process exits, reachable from a global, so that leak
// checkers (LeakSanitizer in the sanitizer builds) do not take it for a leak.
template <class T>
void leave_to_exit(std::unique_ptr<T> object) {
  static auto* kept = new std::vector<const void*>;
  kept->push_back(object.release());
}

}  // namespace oidu
