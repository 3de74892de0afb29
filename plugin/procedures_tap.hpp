// The procedure table: `tshark -z oscore_idu,procedures` prints it at the end of the run,
// and the GUI shows it from Statistics > OSCORE ID Update procedures.
#pragma once

namespace oidu_plugin {

void register_procedures_tap();

}  // namespace oidu_plugin
