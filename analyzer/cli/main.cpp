// oscore-idu: the headless front end of the engine.
#include <CLI/CLI.hpp>

#include "cli/analyze_command.hpp"
#include "cli/exposure_command.hpp"
#if __has_include("cli/simulate_command.hpp")
#include "cli/simulate_command.hpp"
#define OIDU_HAVE_SIMULATE 1
#endif

int main(int argc, char** argv) {
  CLI::App app{"oscore-idu: OSCORE ID update and KUDOS analyzer"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "oscore-idu 0.1.0");
  int exit_status = 0;
  oidu::add_analyze_command(app, exit_status);
  oidu::add_exposure_command(app, exit_status);
#ifdef OIDU_HAVE_SIMULATE
  oidu::add_simulate_command(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  return exit_status;
}
