// Key files of any of the three formats: never a crash, and every error names the file.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "keys/keys.hpp"

namespace oidu::fuzz {

inline void check_result(const KeyLoadResult& r) {
  for (const auto& e : r.errors) {
    check(e.rfind("fuzz", 0) == 0, "a key file error does not start with the file name");
  }
  for (const auto& entry : r.entries) {
    check(!entry.material.master_secret.empty(), "a key entry without a Master Secret");
    check(entry.origin.rfind("fuzz:", 0) == 0, "a key entry without its origin line");
  }
}

inline void keys_one(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string origin = "fuzz";
  check_result(parse_key_text(text, origin));
  // Each reader directly too, so that every one sees every input.
  check_result(parse_wireshark_uat(text, origin));
  check_result(parse_libcoap_conf(text, origin));
  check_result(parse_key_json(text, origin));
}

}  // namespace oidu::fuzz

OIDU_FUZZ_ENTRY(oidu::fuzz::keys_one)
