// The manual page and bash completion from the CLI11 definitions. Hidden subcommands
// (CLI11's empty group: `man`, `completion`) are left out of both, as out of --help.
#include "cli/man_page.hpp"

#include <cctype>
#include <sstream>

namespace oidu {
namespace {

// roff: backslashes doubled, hyphens as \- (so they stay hyphens), and a line that
// would start with a control character guarded with \&.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\\\";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* opt) { return !opt->get_group().empty(); });
}

// "-k, --keys FILE" in roff, with the names bold and the value italic.
std::string option_heading(const CLI::Option& opt) {
  std::string heading;
  if (!opt.nonpositional()) return "\\fI" + roff(opt.get_name(true)) + "\\fR";
  for (const auto& s : opt.get_snames()) heading += (heading.empty() ? "" : ", ") + ("\\fB\\-" + roff(s) + "\\fR");
  for (const auto& l : opt.get_lnames()) heading += (heading.empty() ? "" : ", ") + ("\\fB\\-\\-" + roff(l) + "\\fR");
  // CLI11 appends its validators' names ("TEXT:FILE"); the name before them is the value's.
  const std::string value = opt.get_type_name().substr(0, opt.get_type_name().find(':'));
  if (opt.get_expected_max() > 0 && !value.empty()) heading += " \\fI" + roff(value) + "\\fR";
  return heading;
}

// The values an IsMember check allows, as CLI11 shows them in --help ("FORMAT:{text,json}").
std::string choices(const CLI::Option& opt) {
  const std::string type = opt.get_type_name();
  const auto open = type.find(":{");
  const auto close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::string list = type.substr(open + 2, close - open - 2);
  for (std::size_t at = list.find(','); at != std::string::npos; at = list.find(',', at + 2)) list.replace(at, 1, ", ");
  return " (one of: " + list + ")";
}

std::string synopsis(const CLI::App& sub) {
  std::string line = "\\fBoscore\\-idu " + roff(sub.get_name()) + "\\fR";
  bool has_options = false;
  for (const CLI::Option* opt : visible_options(sub)) {
    if (opt->nonpositional() && opt != sub.get_help_ptr()) has_options = true;
  }
  if (has_options) line += " [\\fIOPTIONS\\fR]";
  for (const CLI::Option* opt : visible_options(sub)) {
    if (!opt->nonpositional()) line += " [\\fI" + roff(opt->get_name(true)) + "\\fR...]";
  }
  return line;
}

}  // namespace

void write_man_page(const CLI::App& app, const std::string& version, std::ostream& out) {
  out << ".TH OSCORE\\-IDU 1 \"\" \"" << roff(version) << "\" \"User Commands\"\n";
  out << ".SH NAME\noscore\\-idu \\- " << roff(app.get_description().substr(app.get_description().find(':') + 2))
      << "\n";
  out << ".SH SYNOPSIS\n";
  for (const CLI::App* sub : visible_subcommands(app)) out << synopsis(*sub) << "\n.br\n";
  out << "\\fBoscore\\-idu\\fR \\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR\n";
  out << ".SH DESCRIPTION\n" << roff(app.get_description()) << "\n";
  for (const CLI::App* sub : visible_subcommands(app)) {
    std::string title = sub->get_name();
    for (char& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out << ".SH \"OSCORE\\-IDU " << roff(title) << "\"\n" << roff(sub->get_description()) << "\n";
    for (const CLI::Option* opt : visible_options(*sub)) {
      if (opt == sub->get_help_ptr()) continue;
      out << ".TP\n" << option_heading(*opt) << "\n" << roff(opt->get_description() + choices(*opt)) << "\n";
    }
    // Subcommands inherit the program's footer (the exit status), which has its own section.
    if (!sub->get_footer().empty() && sub->get_footer() != app.get_footer()) {
      out << ".PP\n" << roff(sub->get_footer()) << "\n";
    }
  }
  if (!app.get_footer().empty()) out << ".SH \"EXIT STATUS\"\n" << roff(app.get_footer()) << "\n";
  out << ".SH \"SEE ALSO\"\n\\fBtcpdump\\fR(8), \\fBwireshark\\fR(1), \\fBpcap\\-filter\\fR(7)\n";
}

void write_bash_completion(const CLI::App& app, std::ostream& out) {
  std::ostringstream subcommands, cases;
  for (const CLI::App* sub : visible_subcommands(app)) {
    subcommands << (subcommands.tellp() > 0 ? " " : "") << sub->get_name();
    std::string words, with_value;
    for (const CLI::Option* opt : visible_options(*sub)) {
      if (!opt->nonpositional()) continue;
      for (const auto& s : opt->get_snames()) {
        words += " -" + s;
        if (opt->get_expected_max() > 0) with_value += "|-" + s;
      }
      for (const auto& l : opt->get_lnames()) {
        words += " --" + l;
        if (opt->get_expected_max() > 0) with_value += "|--" + l;
      }
    }
    cases << "    " << sub->get_name() << ")\n"
          << "      case \"$prev\" in\n"
          << "        -i|--interface) COMPREPLY=($(compgen -W \"$(ls /sys/class/net 2>/dev/null)\" -- \"$cur\")); return ;;\n";
    if (!with_value.empty()) {
      cases << "        " << with_value.substr(1) << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
    }
    cases << "      esac\n"
          << "      if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"" << words.substr(words.empty() ? 0 : 1)
          << "\" -- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n"
          << "      return ;;\n";
  }
  out << "# bash completion for oscore-idu, written by `oscore-idu completion`\n"
      << "_oscore_idu() {\n"
      << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" sub=\"\" w\n"
      << "  for w in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n"
      << "    case \"$w\" in -*) ;; *) sub=\"$w\"; break ;; esac\n"
      << "  done\n"
      << "  case \"$sub\" in\n"
      << "    \"\") COMPREPLY=($(compgen -W \"" << subcommands.str() << " --help --version\" -- \"$cur\")); return ;;\n"
      << cases.str() << "  esac\n}\n"
      << "complete -o filenames -F _oscore_idu oscore-idu\n";
}

}  // namespace oidu
