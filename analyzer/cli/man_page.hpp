// The manual page and the bash completion, written from the same CLI11 definitions
// that --help prints, so that none of the three can drift from the others.
#pragma once
#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

namespace oidu {

// oscore-idu(1) in roff (man(7) macros): every visible subcommand with its options.
void write_man_page(const CLI::App& app, const std::string& version, std::ostream& out);
// A bash completion script for `complete -F`: subcommands, their options, files.
void write_bash_completion(const CLI::App& app, std::ostream& out);

}  // namespace oidu
