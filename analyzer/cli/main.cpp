// oscore-idu: the headless front end of the engine.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/analyze_command.hpp"
#include "cli/exposure_command.hpp"
#include "cli/man_page.hpp"
#if __has_include("cli/simulate_command.hpp")
#include "cli/simulate_command.hpp"
#define OIDU_HAVE_SIMULATE 1
#endif

#ifndef OIDU_VERSION
#define OIDU_VERSION "0.1.0"
#endif

namespace {

constexpr const char* kVersion = "oscore-idu " OIDU_VERSION;

// Shown at the end of --help and as the man page's EXIT STATUS.
constexpr const char* kExitStatus =
    "Exit status: 0 ran and found nothing at or above --fail-on; 1 such findings exist; 2 usage error or "
    "unusable input (a key file line, a capture that cannot be read: each is named on stderr; analyze still "
    "analyses and reports the usable captures).";

// `version`, and the hidden `man` and `completion` that packaging runs at build time.
void add_meta_commands(CLI::App& app) {
  app.add_subcommand("version", "Print the version and exit")->callback([] { std::cout << kVersion << "\n"; });
  app.add_subcommand("man", "Write the manual page (roff) to stdout")
      ->group("")
      ->callback([&app] { oidu::write_man_page(app, kVersion, std::cout); });
  app.add_subcommand("completion", "Write the bash completion script to stdout")
      ->group("")
      ->callback([&app] { oidu::write_bash_completion(app, std::cout); });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"oscore-idu: OSCORE ID update and KUDOS analyzer"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);
  app.footer(kExitStatus);
  int exit_status = 0;
  oidu::add_analyze_command(app, exit_status);
  oidu::add_exposure_command(app, exit_status);
#ifdef OIDU_HAVE_SIMULATE
  oidu::add_simulate_command(app);
#endif
  add_meta_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  return exit_status;
}
