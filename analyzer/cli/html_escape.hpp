// The HTML report's one escaping helper: every text that goes into the document (element
// content or attribute value, in HTML or inline SVG) passes through it.
#pragma once
#include <string>
#include <string_view>

namespace oidu {

// Appends `text` with & < > " ' as character references, so it is safe in content and in
// quoted attributes; bytes that are not UTF-8 and control characters (but tab and line
// feed) become U+FFFD, so a context name from a key file cannot break the document.
void append_html_escaped(std::string& out, std::string_view text);
std::string html_escaped(std::string_view text);

}  // namespace oidu
