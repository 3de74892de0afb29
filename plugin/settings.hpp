// The plugin's preferences: the key table `oscore_idu_contexts` (the same columns as the
// built-in `oscore_contexts`, so lines copy over), a key file in any format the CLI reads,
// and the ID update timers.
#pragma once
#include "capture_state.hpp"

namespace oidu_plugin {

// Registers the preferences of protocol `proto`. Changing any of them re-runs the analysis.
void register_settings(int proto);

// Engine configuration and keys as the preferences are now; problems with the key table
// or the key file are listed in `key_errors`.
AnalysisSetup current_setup();

}  // namespace oidu_plugin
