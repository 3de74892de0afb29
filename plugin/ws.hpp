// Every Wireshark header the plugin uses, in one place; the callback types changed between
// 4.0, 4.2/4.4 and 4.6, so the version tests live here too. The headers declare C linkage
// themselves (and GLib pulls in C++ templates when compiled as C++), so they are not
// wrapped in extern "C".
#pragma once

#include <ws_version.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/funnel.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <epan/uat.h>
#include <wiretap/wtap.h>

// 4.2 added plugin_describe().
#define OIDU_WS_AT_LEAST(major, minor) \
  (WIRESHARK_VERSION_MAJOR > (major) ||  \
   (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

// UAT update callbacks return gboolean up to 4.0 and bool from 4.2 on.
#if OIDU_WS_AT_LEAST(4, 2)
using oidu_ws_bool = bool;
#else
using oidu_ws_bool = gboolean;
#endif

// stat_tap_init_cb (a `-z` tap's start) returns void up to 4.4 and bool (started) from 4.6
// on (epan/stat_tap_ui.h of 4.4.19 and 4.6.9; the 4.5 development series is not covered).
#if OIDU_WS_AT_LEAST(4, 6)
using oidu_tap_init_result = bool;
#else
using oidu_tap_init_result = void;
#endif
