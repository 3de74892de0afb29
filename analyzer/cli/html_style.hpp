// The HTML report's inline stylesheet and script: the document needs nothing from the
// network, so both are part of the file.
#pragma once
#include <string_view>

namespace oidu {

extern const std::string_view kHtmlStyle;   // the content of <style>
extern const std::string_view kHtmlScript;  // the content of <script>: the message table's filters

}  // namespace oidu
