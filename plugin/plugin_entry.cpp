// The symbols Wireshark looks for when it loads the plugin: exported variables and
// plugin_register() in every release from 4.0 to 4.6, and plugin_describe() from 4.2 on
// (checked against the installed wsutil/plugins.h and libwsutil of 4.0.17, 4.4.19, 4.6.9).
#include "dissector.hpp"
#include "ws.hpp"

#if OIDU_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#endif

namespace {

void register_plugin() {
  static proto_plugin plugin;
  plugin.register_protoinfo = &oidu_plugin::register_protocol;
  plugin.register_handoff = &oidu_plugin::register_handoff;
  proto_register_plugin(&plugin);
}

}  // namespace

// Declared extern first: a const object at namespace scope would otherwise have internal
// linkage in C++ and Wireshark would not find it.
extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC_DEF void plugin_register(void);
#if OIDU_WS_AT_LEAST(4, 2)
WS_DLL_PUBLIC_DEF uint32_t plugin_describe(void);
#endif
}

const char plugin_version[] = OIDU_PLUGIN_VERSION;
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

void plugin_register(void) { register_plugin(); }

#if OIDU_WS_AT_LEAST(4, 2)
uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER; }
#endif
