// Appends text to a std::string through a raw cursor, for the reports' per-message hot
// path: one inline capacity check per item, where std::string's out-of-line append for
// every literal, digit run and quote cost more than the formatting itself.
#pragma once
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace oidu {

class Appender {
 public:
  // Appends after out's current text; `out` holds exactly the text once this is gone.
  explicit Appender(std::string& out) : out_(out) {
    const std::size_t at = out_.size();
    out_.resize(at + kChunk);
    p_ = out_.data() + at;
    end_ = out_.data() + out_.size();
  }
  ~Appender() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  // Inlined everywhere (the compiler would call them): a literal's copy then becomes a
  // few stores of known size instead of a call to memcpy.
  // At least `n` writable bytes at the cursor; advance() past what was written.
  [[gnu::always_inline]] char* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
    return p_;
  }
  [[gnu::always_inline]] void advance(char* to) { p_ = to; }

  [[gnu::always_inline]] void put(char c) {
    *room(1) = c;
    ++p_;
  }
  [[gnu::always_inline]] void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    p_ += s.size();
  }
  // A literal such as ",\"time\":": its length is known at compile time.
  template <std::size_t N>
  [[gnu::always_inline]] void put(const char (&literal)[N]) {
    put(std::string_view(literal, N - 1));
  }

 private:
  static constexpr std::size_t kChunk = 1024;  // above a typical message's text
  [[gnu::noinline]] void grow(std::size_t n) {
    const auto used = static_cast<std::size_t>(p_ - out_.data());
    out_.resize(std::max(2 * out_.size(), used + n + kChunk));
    p_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }

  std::string& out_;
  char* p_;
  char* end_;
};

}  // namespace oidu
