// `tshark -z oscore_idu,procedures`: the procedure table at the end of the run.
#pragma once

namespace oidu_plugin {

void register_procedures_tap();

}  // namespace oidu_plugin
