// The symbols Wireshark looks for when it loads the plugin. 4.0 to 4.4 read exported
// variables and call plugin_register() (4.2 added plugin_describe()); 4.6 calls
// wireshark_load_module() and reads a struct ws_module.
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

#if OIDU_WS_AT_LEAST(4, 5)

static struct ws_module oidu_module = {
    WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER,
    OIDU_PLUGIN_VERSION,
    WS_PLUGIN_SPDX_GPLv2,
    "",
    "OSCORE Recipient-ID update and KUDOS: decryption, procedures and findings",
    &register_plugin,
};

extern "C" {
WIRESHARK_PLUGIN_REGISTER_EPAN(&oidu_module, 0)
}

#else

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

#endif
