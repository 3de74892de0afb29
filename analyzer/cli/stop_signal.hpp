// SIGINT and SIGTERM as a request to end the run cleanly: the input stops, the engine
// finishes, and the reports and summary are written in full before the exit.
#pragma once

namespace oidu {

// Installs the handlers (without SA_RESTART, so a blocked read or poll returns).
void catch_stop_signals();
bool stop_requested();

}  // namespace oidu
