// `oscore-idu exposure`: what a passive observer without keys can link across identity
// changes; with keys, measured against the changes that really happened.
#pragma once
#include <CLI/CLI.hpp>

namespace oidu {

// Registers the subcommand; its callback stores the exit status in `exit_status`.
void add_exposure_command(CLI::App& app, int& exit_status);

}  // namespace oidu
