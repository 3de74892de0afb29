// `oscore-idu simulate`: simulated OSCORE peers write reference captures and their keys.
#pragma once
#include <CLI/CLI.hpp>

namespace oidu {

void add_simulate_command(CLI::App& app);

}  // namespace oidu
