// How the text report fits a terminal: widths in columns (UTF-8 aware), values shortened
// with "…", long sentences wrapped, counts with the right plural, ANSI colour by choice.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace oidu {

// The report's lines fit this many columns unless --wide.
inline constexpr std::size_t kTextWidth = 120;
inline constexpr std::string_view kEllipsis = "…";

// Columns `text` takes: one per UTF-8 code point (escapes and colour codes excluded).
std::size_t display_width(std::string_view text);
// `text` cut to at most `width` columns, ending in "…" when something was cut.
std::string shorten(std::string_view text, std::size_t width);
// The same with the cut in the middle, keeping both ends ("multi…ts:1"): for names whose
// end tells them apart.
std::string shorten_middle(std::string_view text, std::size_t width);
// `text` broken at spaces into lines of at most `width` columns; lines after the first
// start with `indent` spaces. A word longer than a line is shortened.
std::string wrap(std::string_view text, std::size_t width, std::size_t indent);
// "1 frame", "2 frames", "0 frames"; `plural` when adding "s" is wrong.
std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural = {});

// --color: "always", "never", or "auto" (a terminal on stdout and no NO_COLOR).
bool colour_wanted(std::string_view choice);
// `text` in the colour of a severity ("error" red, "warning" yellow, "info" cyan) or an
// outcome ("success" green, "failure", "disagreement" red, "aborted" yellow), padded to
// `pad` columns first; plain when `colour` is false.
std::string coloured(std::string_view text, bool colour, std::size_t pad = 0);

}  // namespace oidu
