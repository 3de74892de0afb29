// Registration of the `oscore_idu` postdissector (called from the plugin entry points).
#pragma once

namespace oidu_plugin {

void register_protocol();
void register_handoff();

}  // namespace oidu_plugin
