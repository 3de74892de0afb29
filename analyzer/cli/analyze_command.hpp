// `oscore-idu analyze`: captures and keys in, a report out, an exit status for CI.
#pragma once
#include <CLI/CLI.hpp>

namespace oidu {

// Registers the subcommand; its callback stores the exit status in `exit_status`.
void add_analyze_command(CLI::App& app, int& exit_status);

}  // namespace oidu
